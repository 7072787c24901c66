// A release build refuses modules that are not approved: a released bundle must be traceable
// to who approved what, and when.
import { diagnostic } from '../../diagnostics/diagnostic.ts'
import type { Rule } from '../rule.ts'

export const releaseApproval: Rule = ({ tree, release }) =>
  release
    ? tree.modules
        .filter((m) => m.review.status !== 'approved' || !m.review.reviewer || !m.review.date)
        .map((m) => diagnostic('PLUS312', m.span, { id: m.id, status: m.review.status }))
    : []
