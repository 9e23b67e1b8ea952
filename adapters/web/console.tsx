/** @jsxImportSource hono/jsx */
import { CaseNotFoundPage, CasePage, type CasePageModel } from './case-page'
import { CasesPage, type CasesPageModel } from './cases-page'
import { type PageContext, renderDocument } from './layout'

/** String renderers of the web console (routes stay free of JSX). */
export const renderConsole = {
  list: (ctx: PageContext, model: CasesPageModel) => renderDocument(<CasesPage ctx={ctx} model={model} />),
  case: (ctx: PageContext, model: CasePageModel) => renderDocument(<CasePage ctx={ctx} model={model} />),
  notFound: (ctx: PageContext) => renderDocument(<CaseNotFoundPage ctx={ctx} />),
}

export type { CaseFormError, CasePageEvent, CasePageModel } from './case-page'
export { WEB_COMMANDS } from './case-page'
export type { CasesPageModel, ConsoleRow } from './cases-page'
