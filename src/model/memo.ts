/** The answer kept in `answers` for `key`, computed and kept on first ask (an answer is never undefined). */
export function remember<K, V>(answers: Map<K, V>, key: K, compute: () => V): V {
  const known = answers.get(key);
  if (known !== undefined) return known;
  const answer = compute();
  answers.set(key, answer);
  return answer;
}
