import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { ClientSecretCredentialOptions } from '@azure/identity'
import type { RequestPolicyFactory } from '@azure/storage-blob'

type PipelinePolicy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number]['policy']

/**
 * One Azure destination's own keep-alive connections. By default every Azure client in the process
 * shares the SDK's cached HTTP client and its agents, which nothing ever closes; a destination that
 * brings its own agents can end its connections when it is closed (host stop, agent stop, a
 * preview done) instead of leaving them open to the store until the server times them out.
 */
export class AzureOwnSockets {
  private readonly http = new HttpAgent({ keepAlive: true })
  private readonly https = new HttpsAgent({ keepAlive: true })

  /** For the Blob client's pipeline (storage-blob's request-policy factories). */
  readonly blobPolicy: RequestPolicyFactory = {
    create: (next) => ({
      sendRequest: (request) => {
        // A proxy's agent, set earlier in the pipeline, is kept.
        request.agent ??= this.agentFor(request.url)
        return next.sendRequest(request)
      },
    }),
  }

  /** For @azure/identity's token requests (core-rest-pipeline policies). */
  readonly tokenPolicy: PipelinePolicy = {
    name: 'snapshot-studio-own-sockets',
    sendRequest: (request, next) => {
      request.agent ??= this.agentFor(request.url)
      return next(request)
    },
  }

  /** Ends every connection, idle or not; requests after this fail. */
  destroy(): void {
    this.http.destroy()
    this.https.destroy()
  }

  private agentFor(url: string): HttpAgent {
    return url.startsWith('https:') ? this.https : this.http
  }
}
