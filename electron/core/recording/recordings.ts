export class Recordings { constructor(readonly base: string) {} next(): string { return this.base; } }
