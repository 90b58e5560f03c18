import { appealRoundOf } from '#app/action-specs';

describe('the appeal round of a case', () => {
  it('is the count stored on the case, whatever execution carries it now', () => {
    expect(appealRoundOf({ appealRound: 2, execution: 'C-20261129-7K3M2Q--resume--1' })).toBe(2);
  });

  it('is read from the after-appeal execution name of a case stored before the count was kept', () => {
    expect(appealRoundOf({ execution: 'C-20261129-7K3M2Q--after-appeal--3' })).toBe(3);
    expect(appealRoundOf({ execution: 'C-20261129-7K3M2Q--intake--1' })).toBeUndefined();
    expect(appealRoundOf({})).toBeUndefined();
  });
});
