/**
 * The operations worth a line in the log (connection tests, saves, restores and their
 * preflights): what started, on which profile and file, how it ended and how long it took.
 * Wrapped around the host's services in one place, so the services stay free of logging and
 * every host logs the same lines. Values pass through the logger's redaction like any other.
 */
import { isAppError } from '../../shared/app-error'
import type { LogFields, Logger } from '../logging/logger'
import type { HostServices } from './host-services'

function timed<A extends unknown[], R>(
  log: Logger,
  what: string,
  run: (...args: A) => Promise<R>,
  fieldsOf: (...args: A) => LogFields,
  outcomeOf: (result: R) => LogFields = () => ({}),
): (...args: A) => Promise<R> {
  return async (...args) => {
    const fields = fieldsOf(...args)
    const started = performance.now()
    log.info(`${what} started`, fields)
    try {
      const result = await run(...args)
      log.info(`${what} finished`, {
        ...fields,
        ...outcomeOf(result),
        ms: Math.round(performance.now() - started),
      })
      return result
    } catch (error) {
      // A refusal the user can act on is a warning; anything else is an error in the app.
      const level = isAppError(error) && error.code !== 'INTERNAL' ? 'warn' : 'error'
      log[level](`${what} failed`, { ...fields, err: error, ms: Math.round(performance.now() - started) })
      throw error
    }
  }
}

export function withOperationLog(services: HostServices, log: Logger): HostServices {
  const { profiles, save, restore, selectiveRestore } = services
  return {
    ...services,
    profiles: profiles && {
      ...profiles,
      test: timed(
        log,
        'Connection test',
        profiles.test.bind(profiles),
        (target) =>
          'id' in target
            ? { profileId: target.id }
            : { profile: target.input.name, address: target.input.connection.address },
        (result) => ({ endpoint: result.endpoint, leader: result.leader }),
      ),
    },
    save: save && {
      saveMany: timed(
        log,
        'Save',
        save.saveMany.bind(save),
        (request) => ({ profileIds: request.profileIds, folder: request.folder, stale: request.stale }),
        (entries) => ({
          saved: entries.filter((entry) => entry.ok).map((entry) => entry.profileId),
          failed: entries.flatMap((entry) =>
            entry.ok ? [] : [{ profileId: entry.profileId, code: entry.error.code }],
          ),
        }),
      ),
    },
    restore: restore && {
      preflight: timed(log, 'Restore preflight', restore.preflight.bind(restore), (path, profileId) => ({
        profileId,
        file: path,
      })),
      restore: timed(
        log,
        'Restore',
        restore.restore.bind(restore),
        (request) => ({
          profileId: request.profileId,
          file: request.path,
          safetySnapshot: request.safetySnapshot,
        }),
        (result) => ({ bytes: result.bytes, safetySnapshot: result.safetySnapshot?.path ?? null }),
      ),
    },
    selectiveRestore: selectiveRestore && {
      // Keys and counts only: values may be secrets.
      plan: timed(
        log,
        'Selective restore dry run',
        selectiveRestore.plan.bind(selectiveRestore),
        (request) => ({
          profileId: request.profileId,
          prefixes: request.prefixes,
          keys: request.keys.length,
        }),
        (plan) => ({ planId: plan.planId, ...plan.counts, unchanged: plan.unchanged }),
      ),
      apply: timed(
        log,
        'Selective restore',
        selectiveRestore.apply.bind(selectiveRestore),
        (request) => ({ planId: request.planId }),
        (result) => ({ applied: result.applied, skipped: result.skipped.length, undo: result.undoPath }),
      ),
    },
  }
}
