// The prediction example's model (examples/prediction/model.mjs): a naive-Bayes sentiment
// classifier trained on the example's own reviews must label reviews it never saw far better
// than chance (50%: the two labels are balanced).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

interface Review { text: string; label: 'positive' | 'negative'; line: number }
interface Prediction { label: string; confidence: number; probabilities: Record<string, number>; features: number }
interface Model { labels: string[]; vocabularySize: number; predict(text: string): Prediction }
interface ModelModule {
  LABELS: readonly string[];
  tokenize(text: string): string[];
  loadReviews(): Review[];
  splitHoldout<T extends { line: number }>(examples: T[], every?: number): { train: T[]; test: T[] };
  trainNaiveBayes(examples: { text: string; label: string }[], alpha?: number): Model;
  accuracy(model: Model, examples: { text: string; label: string }[]): number;
}

const m = (await import(pathToFileURL(join(REPO_ROOT, 'examples', 'prediction', 'model.mjs')).href)) as ModelModule;

test('the bundled data set has a few hundred labelled reviews, balanced between the labels', () => {
  const reviews = m.loadReviews();
  assert.ok(reviews.length >= 300, `${reviews.length} reviews`);
  const positive = reviews.filter((r) => r.label === 'positive').length;
  assert.equal(positive, reviews.length - positive);
  assert.equal(new Set(reviews.map((r) => r.text)).size, reviews.length, 'no review appears twice');
});

test('held-out reviews are classified far better than chance', () => {
  const { train, test: heldOut } = m.splitHoldout(m.loadReviews(), 5);
  assert.ok(heldOut.length >= 60);
  const trainText = new Set(train.map((r) => r.text));
  assert.ok(heldOut.every((r) => !trainText.has(r.text)), 'no held-out review is in the training set');
  const acc = m.accuracy(m.trainNaiveBayes(train), heldOut);
  // Chance is 0.5; with 66 held-out reviews, 75% correct by luck has probability < 1e-4.
  assert.ok(acc >= 0.75, `held-out accuracy ${acc.toFixed(3)}`);
});

test('5-fold cross-validation averages well above chance', () => {
  const reviews = m.loadReviews();
  const folds = 5;
  let sum = 0;
  for (let k = 0; k < folds; k++) {
    const train = reviews.filter((r) => r.line % folds !== k);
    const heldOut = reviews.filter((r) => r.line % folds === k);
    sum += m.accuracy(m.trainNaiveBayes(train), heldOut);
  }
  assert.ok(sum / folds >= 0.75, `mean accuracy ${(sum / folds).toFixed(3)}`);
});

test('negation flips the words after it, and predictions are probabilities', () => {
  assert.deepEqual(m.tokenize("It isn't good, but fine."), ['it', 'is', 'not', 'not_good', 'but', 'fine']);
  const model = m.trainNaiveBayes(m.loadReviews());
  const p = model.predict('Terrible service and the food was cold.');
  assert.equal(p.label, 'negative');
  assert.ok(p.confidence > 0.5 && p.confidence <= 1);
  const total = Object.values(p.probabilities).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  assert.equal(model.predict('A wonderful film, I loved every minute.').label, 'positive');
  // Words the model never saw leave it at the prior.
  assert.ok(Math.abs(model.predict('zxqv wubble').confidence - 0.5) < 1e-9);
});
