// A small real model for the prediction example: a multinomial naive-Bayes sentiment classifier
// over words and word pairs, trained in a few milliseconds on the bundled reviews in data/
// (positive and negative lines written for this example; nothing is downloaded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LABELS = /** @type {const} */ (['positive', 'negative']);

const DATA_DIR = join(import.meta.dirname, 'data');
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'cannot']);

/**
 * Lower-cased words (apostrophes kept, "n't" split off as "not"); after a negator every word up to
 * the next punctuation gets a `not_` prefix, so "not good" and "good" are different features.
 * @param {string} text
 * @returns {string[]}
 */
export function tokenize(text) {
  const out = [];
  let negated = false;
  const pieces = text.toLowerCase().replace(/n't\b/g, ' not').match(/[a-z0-9']+|[.,!?;:]/g) ?? [];
  for (const piece of pieces) {
    if (/^[.,!?;:]$/.test(piece)) {
      negated = false;
      continue;
    }
    if (NEGATORS.has(piece)) {
      negated = true;
      out.push(piece);
      continue;
    }
    out.push(negated ? `not_${piece}` : piece);
  }
  return out;
}

/** Unigrams plus bigrams of the tokens. @param {string} text @returns {string[]} */
export function features(text) {
  const words = tokenize(text);
  const out = [...words];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

/**
 * The labelled reviews of data/ (one review per line; the file name gives the label). `line` is
 * the review's index in its file: line i of the positive file and line i of the negative file
 * are written as a pair on the same subject ("The soup was hot..." / "The soup was lukewarm...").
 * @returns {{ text: string, label: 'positive' | 'negative', line: number }[]}
 */
export function loadReviews(dir = DATA_DIR) {
  const out = [];
  for (const label of LABELS) {
    let line = 0;
    for (const raw of readFileSync(join(dir, `reviews-${label}.txt`), 'utf8').split('\n')) {
      const text = raw.trim();
      if (text !== '') out.push({ text, label, line: line++ });
    }
  }
  return out;
}

/**
 * A deterministic train/test split: every `every`-th line is held out, in both files at once, so
 * a held-out review's twin of the other label is held out too (otherwise the twin's shared words
 * would be learnt as evidence for the wrong label).
 * @template {{ line: number }} T
 * @param {T[]} examples
 */
export function splitHoldout(examples, every = 5) {
  /** @type {T[]} */ const train = [];
  /** @type {T[]} */ const test = [];
  for (const e of examples) ((e.line % every === every - 1) ? test : train).push(e);
  return { train, test };
}

/**
 * Trains a multinomial naive-Bayes classifier with Laplace smoothing (alpha).
 * @param {{ text: string, label: string }[]} examples
 */
export function trainNaiveBayes(examples, alpha = 1) {
  /** @type {Map<string, { docs: number, tokens: number, counts: Map<string, number> }>} */
  const classes = new Map();
  const vocabulary = new Set();
  for (const { text, label } of examples) {
    let c = classes.get(label);
    if (c === undefined) {
      c = { docs: 0, tokens: 0, counts: new Map() };
      classes.set(label, c);
    }
    c.docs++;
    for (const f of features(text)) {
      vocabulary.add(f);
      c.counts.set(f, (c.counts.get(f) ?? 0) + 1);
      c.tokens++;
    }
  }
  const v = vocabulary.size;
  const total = examples.length;
  const model = {
    labels: [...classes.keys()],
    vocabularySize: v,
    trainedOn: total,
    /**
     * @param {string} text
     * @returns {{ label: string, confidence: number, probabilities: Record<string, number>, features: number }}
     */
    predict(text) {
      const fs = features(text).filter((f) => vocabulary.has(f));
      /** @type {[string, number][]} */
      const logScores = [];
      for (const [label, c] of classes) {
        let s = Math.log(c.docs / total);
        const denominator = Math.log(c.tokens + alpha * v);
        for (const f of fs) s += Math.log((c.counts.get(f) ?? 0) + alpha) - denominator;
        logScores.push([label, s]);
      }
      // Softmax over the log scores, shifted by the largest for numerical safety.
      const max = Math.max(...logScores.map(([, s]) => s));
      const exp = logScores.map(([label, s]) => /** @type {[string, number]} */ ([label, Math.exp(s - max)]));
      const sum = exp.reduce((a, [, e]) => a + e, 0);
      /** @type {Record<string, number>} */
      const probabilities = {};
      for (const [label, e] of exp) probabilities[label] = e / sum;
      let best = exp[0]?.[0] ?? 'unknown';
      for (const [label] of exp) if ((probabilities[label] ?? 0) > (probabilities[best] ?? 0)) best = label;
      return { label: best, confidence: probabilities[best] ?? 0, probabilities, features: fs.length };
    },
  };
  return model;
}

/**
 * Share of `examples` the model labels correctly.
 * @param {{ predict(text: string): { label: string } }} model
 * @param {{ text: string, label: string }[]} examples
 */
export function accuracy(model, examples) {
  if (examples.length === 0) return 0;
  return examples.filter((e) => model.predict(e.text).label === e.label).length / examples.length;
}
