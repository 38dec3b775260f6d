// The topic exchange's matcher: a trie over the dot-separated words of binding keys, branching on
// literal words, `*` (exactly one word) and `#` (zero or more words), as RabbitMQ's
// rabbit_db_topic_exchange does. Routing walks only the branches a key can take, so its cost
// depends on the key and the matching patterns, not on how many bindings exist.

/** RabbitMQ splits an empty key into zero words, and every other key at each '.'. */
export function topicWords(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

/**
 * `#.#` matches exactly what `#` matches; collapsing runs of `#` keeps the trie walk from
 * branching again and again over the same words.
 */
function normalisedWords(pattern: string): string[] {
  const words = topicWords(pattern);
  const out: string[] = [];
  for (const w of words) {
    if (w === '#' && out[out.length - 1] === '#') continue;
    out.push(w);
  }
  return out;
}

class TopicNode<T> {
  readonly parent: TopicNode<T> | undefined;
  readonly word: string;
  literals: Map<string, TopicNode<T>> | undefined = undefined;
  star: TopicNode<T> | undefined = undefined;
  hash: TopicNode<T> | undefined = undefined;
  readonly values: T[] = [];
  /** Which word positions this node was already visited at during match number `visitEpoch`. */
  visitEpoch = 0;
  visitMask = 0;

  constructor(parent: TopicNode<T> | undefined, word: string) {
    this.parent = parent;
    this.word = word;
  }

  child(word: string): TopicNode<T> | undefined {
    if (word === '*') return this.star;
    if (word === '#') return this.hash;
    return this.literals?.get(word);
  }

  isEmpty(): boolean {
    return this.values.length === 0 && this.star === undefined && this.hash === undefined && (this.literals === undefined || this.literals.size === 0);
  }
}

/** Bounded so a publisher spraying unique keys cannot grow memory without limit. */
const CACHE_ENTRIES_MAX = 4096;
/** Visits at positions below this are remembered per node, which removes repeated `#` expansions. */
const MEMO_POSITIONS = 31;

export class TopicMatcher<T> {
  private readonly root = new TopicNode<T>(undefined, '');
  /** Routing key → matched values; cleared whenever a binding changes. */
  private readonly cache = new Map<string, readonly T[]>();
  private epoch = 0;
  private size = 0;

  get bindingCount(): number {
    return this.size;
  }

  add(pattern: string, value: T): void {
    let node = this.root;
    for (const w of normalisedWords(pattern)) {
      let next = node.child(w);
      if (next === undefined) {
        next = new TopicNode<T>(node, w);
        if (w === '*') node.star = next;
        else if (w === '#') node.hash = next;
        else (node.literals ??= new Map()).set(w, next);
      }
      node = next;
    }
    node.values.push(value);
    this.size++;
    this.cache.clear();
  }

  /** Removes one occurrence of `value` under `pattern`; false when it was not there. */
  remove(pattern: string, value: T): boolean {
    let node: TopicNode<T> | undefined = this.root;
    for (const w of normalisedWords(pattern)) {
      node = node.child(w);
      if (node === undefined) return false;
    }
    const at = node.values.indexOf(value);
    if (at < 0) return false;
    node.values.splice(at, 1);
    this.size--;
    this.cache.clear();
    this.prune(node);
    return true;
  }

  /** The values whose patterns match `key`, each once. The array is shared: do not modify it. */
  match(key: string): readonly T[] {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const out: T[] = [];
    this.epoch++;
    this.walk(this.root, topicWords(key), 0, out);
    if (this.cache.size >= CACHE_ENTRIES_MAX) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }

  private walk(node: TopicNode<T>, words: readonly string[], i: number, out: T[]): void {
    if (i < MEMO_POSITIONS) {
      if (node.visitEpoch !== this.epoch) {
        node.visitEpoch = this.epoch;
        node.visitMask = 0;
      }
      const bit = 1 << i;
      if ((node.visitMask & bit) !== 0) return;
      node.visitMask |= bit;
    }
    const hash = node.hash;
    if (hash !== undefined) {
      // '#' takes zero or more of the remaining words.
      for (let j = i; j <= words.length; j++) this.walk(hash, words, j, out);
    }
    if (i === words.length) {
      for (const v of node.values) out.push(v);
      return;
    }
    const literal = node.literals?.get(words[i] as string);
    if (literal !== undefined) this.walk(literal, words, i + 1, out);
    if (node.star !== undefined) this.walk(node.star, words, i + 1, out);
  }

  private prune(from: TopicNode<T>): void {
    let node = from;
    while (node.parent !== undefined && node.isEmpty()) {
      const parent = node.parent;
      if (parent.star === node) parent.star = undefined;
      else if (parent.hash === node) parent.hash = undefined;
      else parent.literals?.delete(node.word);
      node = parent;
    }
  }
}
