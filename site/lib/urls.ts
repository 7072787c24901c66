// Every URL of the preview, built in one place so pages, the search index and the link checker
// in the tests agree. All page URLs end in a slash, as the static build writes `…/index.html`.
import type { MediaFile, Module, Step } from '../../src/types/bundle.generated.ts'

export const homeUrl = '/'
export const timelineUrl = '/tidslinje/'
export const searchUrl = '/sok/'
export const qualityUrl = '/kvalitet/'

export function moduleUrl(module: Pick<Module, 'id'>): string {
  return `/moduler/${module.id}/`
}

export function stepUrl(module: Pick<Module, 'id'>, step: Pick<Step, 'id'>): string {
  return `/moduler/${module.id}/${step.id}/`
}

/** Print views live outside /moduler/ so no step id can ever collide with them. */
export function printUrl(module: Pick<Module, 'id'>): string {
  return `/utskrift/${module.id}/`
}

/** Media keep their bundle path (`media/<module>/<file>`), copied to the site root. */
export function mediaUrl(file: Pick<MediaFile, 'path'>): string {
  return `/${file.path}`
}
