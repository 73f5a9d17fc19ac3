/** What the bench mock answers, shared by its Responses bodies and the other dialects' (bench/mock-dialect-bodies.ts). */
export const MOCK_MODEL = 'bench-model';
/** What the mock answers: its text is split into this many `output_text.delta` events. */
export const MOCK_TEXT_DELTAS = [
  'I',
  ' looked',
  ' at',
  ' the',
  ' repository',
  ':',
  ' the',
  ' failing',
  ' test',
  ' expects',
  ' `parseConfig`',
  ' to',
  ' reject',
  ' unknown',
  ' keys',
  ',',
  ' so',
  ' I',
  ' added',
  ' a strict schema.',
];
