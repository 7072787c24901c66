// Every URL of the preview, built in one place so pages, the search index and the link checker
// in the tests agree. All page URLs end in a slash, as the static build writes `…/index.html`.
import type { MediaFile, Module, Step } from '../../src/types/bundle.generated.ts'

export const homeUrl = '/'
export const timelineUrl = '/tidslinje/'
export const searchUrl = '/sok/'
export const qualityUrl = '/kvalitet/'
export const changesUrl = '/andringar/'

/**
 * Who a page shows the material to. `patient` ("invånare"): exactly what the patient sees, under
 * /moduler/. `clinician` ("behandlare"): the same material with the clinician's markers (tree,
 * alerts, bands and their levels), under /behandlare/. Two URL trees rather than a script, so the
 * switch is a plain link and text steps stay script-free.
 */
export type View = 'patient' | 'clinician'

const viewRoot: Record<View, string> = { patient: '/moduler/', clinician: '/behandlare/' }

export function moduleUrl(module: Pick<Module, 'id'>, view: View = 'patient'): string {
  return `${viewRoot[view]}${module.id}/`
}

export function stepUrl(module: Pick<Module, 'id'>, step: Pick<Step, 'id'>, view: View = 'patient'): string {
  return `${viewRoot[view]}${module.id}/${step.id}/`
}

/** Print views live outside /moduler/ so no step id can ever collide with them. */
export function printUrl(module: Pick<Module, 'id'>): string {
  return `/utskrift/${module.id}/`
}

/** Media keep their bundle path (`media/<module>/<file>`), copied to the site root. */
export function mediaUrl(file: Pick<MediaFile, 'path'>): string {
  return `/${file.path}`
}
