/**
 * How pages and emails name the course's length, which content/ decides (1 to 60 lessons):
 * whole weeks in words ("three weeks" for 21), anything else in days ("5 days").
 */
const WEEKS = ['', 'one week', 'two weeks', 'three weeks', 'four weeks', 'five weeks', 'six weeks', 'seven weeks', 'eight weeks'];

export function courseSpan(totalDays: number): string {
  const weeks = WEEKS[totalDays / 7];
  if (weeks) return weeks;
  return totalDays === 1 ? '1 day' : `${totalDays} days`;
}
