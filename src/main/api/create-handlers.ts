/**
 * Binds every contract method to the host's services. Handlers receive validated input only and
 * stay thin: resolve the snapshot source, call the port, pass progress through.
 */
import { dirname } from 'node:path'
import { AppError } from '../../shared/app-error'
import { searchSnapshotValues } from '../services/snapshot/search/search-snapshot'
import { drillForApp } from '../services/snapshot-tools/drill-for-app'
import { redactToSaveFolder } from '../services/snapshot-tools/redact-to-save-folder'
import type { ApiHandlers } from './dispatcher'
import { createStoredBackupHandlers } from './stored-backup-handlers'
import type { HostServices } from '../host/host-services'

function missing(what: string): never {
  throw new AppError('UNSUPPORTED', `${what} is not available in this build of Snapshot Studio.`)
}

/** A port's work for an operation that reports no progress, only its cancellation. */
function workOf(context: { signal: AbortSignal }) {
  return { signal: context.signal, onProgress: () => undefined }
}

export function createHandlers(services: HostServices): ApiHandlers {
  const profiles = () => services.profiles ?? missing('Connection profiles')
  const catalogue = () => services.catalogue ?? missing('Snapshot browsing')
  const recent = () => services.recentFiles ?? missing('Recent files')
  const dialogs = () => services.dialogs ?? missing('The native file picker')
  const compare = () => services.compare ?? missing('Comparing snapshots')
  const plans = () => services.plans ?? missing('Backup plans')

  return {
    'app.info': async () => services.appInfo(),

    'profiles.list': async () => profiles().list(),
    'profiles.create': async ({ input }) => profiles().create(input),
    'profiles.update': async ({ id, input }) => profiles().update(id, input),
    'profiles.duplicate': async ({ id }) => profiles().duplicate(id),
    'profiles.remove': async ({ id }) => {
      await profiles().remove(id)
      return { id }
    },
    'profiles.importFromEnv': async () => ({ draft: await profiles().importFromEnv() }),
    'profiles.test': async (target, context) => profiles().test(target, context.signal),

    'snapshot.inspect': async ({ source, kvDetails, kvDepth, kvFilter }, context) => {
      const path = await services.sources.resolve(source)
      const inspection = await services.inspect.inspect(
        path,
        { kvDetails, kvDepth, kvFilter },
        { signal: context.signal, onProgress: (progress) => context.progress({ kind: 'inspect', progress }) },
      )
      // Opening a file the host can name is what makes it recent; an upload is a temporary copy.
      // A list that cannot be written is not worth failing the open the operator asked for.
      if (source.kind === 'path') await services.recentFiles?.add(source.path).catch(() => undefined)
      return inspection
    },
    'snapshot.kvDetails': async ({ source, kvDepth, kvFilter }, context) => {
      const path = await services.sources.resolve(source)
      return services.inspect.inspect(
        path,
        { kvDetails: true, kvDepth, kvFilter },
        { signal: context.signal, onProgress: (progress) => context.progress({ kind: 'inspect', progress }) },
      )
    },

    'snapshot.browse.open': async ({ source }, context) => {
      const path = await services.sources.resolve(source)
      return catalogue().open(path, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
      })
    },
    'snapshot.browse.close': async ({ catalogueId }) => ({ closed: await catalogue().close(catalogueId) }),
    'snapshot.browse.kvList': async ({ catalogueId, prefix, offset, limit }) =>
      catalogue().kvList(catalogueId, prefix, offset, limit),
    'snapshot.browse.kvValue': async ({ catalogueId, key, maxBytes }) =>
      catalogue().kvValue(catalogueId, key, maxBytes),
    'snapshot.browse.records': async ({ catalogueId, kind, offset, limit }) =>
      catalogue().records(catalogueId, kind, offset, limit),
    'snapshot.browse.revealSecret': async ({ catalogueId, kind, id, field }) => ({
      value: await catalogue().revealSecret(catalogueId, kind, id, field),
    }),
    'snapshot.browse.search': async ({ catalogueId, query, limit }) =>
      catalogue().search(catalogueId, query, limit),
    'snapshot.searchValues': async ({ source, pattern, regex, caseSensitive, prefix, limit }, context) =>
      searchSnapshotValues(await services.sources.resolve(source), pattern, {
        regex,
        caseSensitive,
        ...(prefix !== undefined ? { prefix } : {}),
        limit,
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
      }),

    'snapshot.redact': async ({ source, kvPrefixes }, context) =>
      redactToSaveFolder(await services.sources.resolve(source), services.appInfo().defaultSaveFolder, {
        kvPrefixes,
        now: new Date(),
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
      }),
    'snapshot.drill': async ({ source, target }, context) =>
      drillForApp(await services.sources.resolve(source), {
        target:
          target.kind === 'scratch-profile'
            ? {
                kind: 'scratch-cluster',
                connection: await (
                  services.drillTargets ?? missing('Drills into scratch clusters')
                ).connectionFor(target.profileId),
              }
            : { kind: 'dev-agent' },
        env: process.env,
        signal: context.signal,
        onPhase: (phase) => context.progress({ kind: 'drill', phase }),
      }),

    'save.start': async ({ profileIds, folder, fileNameTemplate, stale, datacenter }, context) => {
      const save = services.save ?? missing('Saving snapshots')
      const entries = await save.saveMany(
        { profileIds, folder, fileNameTemplate, stale, datacenter },
        {
          signal: context.signal,
          onProgress: ({ profileId, progress }) => context.progress({ kind: 'save', profileId, progress }),
        },
      )
      // The host records where it saved, so the wizard can offer the folder next time.
      const folders = new Set(entries.flatMap((entry) => (entry.ok ? [dirname(entry.result.path)] : [])))
      for (const saved of folders) await services.recentFolders?.add(saved).catch(() => undefined)
      return { entries }
    },

    'restore.verify': async ({ source }, context) => {
      const path = await services.sources.resolve(source)
      return services.inspect.verify(path, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
      })
    },
    'restore.preflight': async ({ source, profileId }, context) => {
      const restore = services.restore ?? missing('Restoring snapshots')
      const path = await services.sources.resolve(source)
      return restore.preflight(path, profileId, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'restore', progress }),
      })
    },
    'restore.start': async (
      { source, profileId, confirmation, safetySnapshot, safetySnapshotFolder, acknowledgeLoss },
      context,
    ) => {
      const restore = services.restore ?? missing('Restoring snapshots')
      const path = await services.sources.resolve(source)
      return restore.restore(
        { path, profileId, confirmation, safetySnapshot, safetySnapshotFolder, acknowledgeLoss },
        { signal: context.signal, onProgress: (progress) => context.progress({ kind: 'restore', progress }) },
      )
    },

    'fleet.status': async (request, context) =>
      (services.fleet ?? missing('The fleet view')).status(request, context.signal),
    'growth.analyse': async ({ folder, kvDepth, top }, context) =>
      (services.growth ?? missing('Growth over time')).analyse(
        { folder, kvDepth, top },
        { signal: context.signal, onProgress: (progress) => context.progress({ kind: 'growth', progress }) },
      ),

    'compare.open': async ({ left, right, prefix }, context) => {
      const before = await services.sources.resolve(left)
      const after = right.kind === 'profile' ? right : { path: await services.sources.resolve(right) }
      return compare().open(before, after, prefix, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'compare', progress }),
      })
    },
    'compare.changes': async ({ comparisonId, kind, offset, limit }) =>
      compare().changes(comparisonId, kind, offset, limit),
    'compare.kvValues': async ({ comparisonId, key, maxBytes }) =>
      compare().kvValues(comparisonId, key, maxBytes),
    'compare.close': async ({ comparisonId }) => ({ closed: await compare().close(comparisonId) }),

    'selectiveRestore.plan': async ({ operationId: _, ...request }, context) =>
      (services.selectiveRestore ?? missing('Selective restore')).plan(request, workOf(context)),
    'selectiveRestore.apply': async ({ operationId: _, ...request }, context) =>
      (services.selectiveRestore ?? missing('Selective restore')).apply(request, workOf(context)),

    'recentFiles.list': async () => ({ files: await recent().list() }),
    'folders.suggestions': async () => ({
      defaultFolder: services.appInfo().defaultSaveFolder,
      recentFolders: (await services.recentFolders?.list()) ?? [],
    }),

    'dialogs.openSnapshot': async () => ({ path: await dialogs().openSnapshot() }),
    'dialogs.chooseFolder': async ({ title }) => ({ path: await dialogs().chooseFolder(title) }),

    'sample.open': async () => (services.sample ?? missing('The sample snapshot')).open(),

    'plans.list': async () => plans().list(),
    'plans.create': async ({ input }) => plans().create(input),
    'plans.update': async ({ id, input }) => plans().update(id, input),
    'plans.delete': async ({ id }) => {
      await plans().delete(id)
      return { id }
    },
    'plans.runNow': async ({ id }) => plans().runNow(id),
    'plans.pause': async ({ id }) => plans().setPaused(id, true),
    'plans.resume': async ({ id }) => plans().setPaused(id, false),
    'plans.history': async ({ id, limit }) => ({ runs: await plans().history(id, limit) }),
    'plans.export': async ({ id, profileId }) => ({ files: await plans().exportForServers(id, profileId) }),
    'schedule.preview': async ({ schedule, count, seed }) => ({
      runs: plans().previewSchedule(schedule, count, seed),
    }),
    'retention.preview': async (request) => ({ previews: await plans().previewRetention(request) }),

    ...createStoredBackupHandlers(services),
  }
}
