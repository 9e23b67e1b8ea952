/** @jsxImportSource hono/jsx */
import type { ReceiptText } from '../../src/domain/crisis'
import type { ScreenView } from '../../src/domain/dialogue-types'
import { IntakePage } from './intake-page'
import type { PageContext } from './layout'
import { renderDocument } from './layout'
import {
  CancelPage,
  DevLoginPage,
  DonePage,
  type ErrorKind,
  ErrorPage,
  type Flash,
  LandingPage,
} from './pages'

/**
 * String renderers for the routes: each returns a complete HTML document. The routes stay free of JSX;
 * everything visual lives in adapters/web.
 */
export const renderWeb = {
  landing: (ctx: PageContext, draft: { updatedAt: string } | null, flash: Flash | null) =>
    renderDocument(<LandingPage ctx={ctx} draft={draft} flash={flash} />),
  intake: (ctx: PageContext, view: ScreenView) => renderDocument(<IntakePage ctx={ctx} view={view} />),
  done: (ctx: PageContext, reference: string, receipt?: ReceiptText) =>
    renderDocument(<DonePage ctx={ctx} reference={reference} receipt={receipt} />),
  cancel: (ctx: PageContext) => renderDocument(<CancelPage ctx={ctx} />),
  devLogin: (
    ctx: PageContext,
    values: { name: string; role: string },
    errors: { name?: boolean; role?: boolean },
  ) => renderDocument(<DevLoginPage ctx={ctx} values={values} errors={errors} />),
  error: (ctx: PageContext, kind: ErrorKind) => renderDocument(<ErrorPage ctx={ctx} kind={kind} />),
}

export type { ErrorKind, Flash, PageContext }
