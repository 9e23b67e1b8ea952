/**
 * A complete intake as web form answers, per step id (used by the web integration test). A 14-year-old
 * (consent of child and parents), GGZ + LVB, no safety signals, no placement question.
 */
export const WEB_ANSWERS: Record<string, Record<string, string | string[]>> = {
  start: { acuteDanger: 'false', consultationOnly: 'false' },
  referrer: {
    'referrer.name': 'Sanne de Vries',
    'referrer.organisation': 'Lokaal team Assen',
    'referrer.role': 'lokaal_team',
    'referrer.email': 'sanne@example.org',
    'referrer.phone': '0592 123456',
  },
  child: { 'child.pseudonym': 'J.', 'child.birthYear': '2012', 'child.municipality': 'Assen' },
  legal: {
    'legal.framework': 'vrijwillig',
    'legal.authority': 'beide_ouders',
    'legal.consent.parents': 'true',
    'legal.consent.child': 'true',
    'legal.consent.date': '2026-11-02',
    'legal.consent.scope': 'RET-bespreking',
  },
  situation: {
    'situation.living': 'eigen_gezin',
    'situation.problemDomains': ['ggz', 'lvb'],
    _multi: ['situation.problemDomains', 'situation.safety.signals'],
  },
  placement: {
    'situation.placement.needed': 'false',
    'situation.placement.threatened': 'false',
    'situation.placement.breakdown': 'false',
    'situation.placement.onWaitingList': 'false',
    'situation.placement.movesLast12Months': '0',
    'situation.placement.rejectedByProviders': '0',
    'situation.placement.closedCareRequested': 'false',
  },
  help: {
    'help.monthsWithoutProgress': '5',
    'help.protocolsFailing': 'true',
    'help.professionalsDisagree': 'false',
    'help.noFittingOffer': 'false',
    'help.repeatedRequests': 'false',
    'help.missingExpertise': 'ggz_lvb',
  },
  network: {
    'help.caseDirector': 'false',
    'help.parties[0].organisation': 'Accare',
    'help.parties[0].role': 'Behandelaar',
    'help.history[0].what': 'Ambulante gezinsbehandeling',
    'help.history[0].provider': 'Yorneo',
    'help.history[0].from': '2025-01',
    'help.history[0].to': '2025-09',
    'help.history[0].result': 'gestopt',
  },
  school: {
    'school.type': 'vso',
    'school.attendance': 'thuiszitter',
    'school.weeksAbsent': '12',
    'school.leerplichtInvolved': 'true',
  },
  analysis: { 'analysis.present': 'true', 'analysis.sharedWithFamily': 'true' },
  question: {
    question: 'Welke route past bij deze jongere?',
    perspective: 'Hij wil weer naar school.',
    urgency: 'regulier',
  },
}
