/** Does an MQTT topic match a subscription filter with + and # wildcards (MQTT 3.1.1 §4.7)? */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // §4.7.2: a filter starting with a wildcard does not match topics starting with $ ($SYS/…)
  if ((f[0] === '#' || f[0] === '+') && topic.startsWith('$')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
