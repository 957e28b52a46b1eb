/** "1 set", "2 sets": a count with its noun, for messages people read. */
export const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
