// nodemailer ships no type declarations; these are the few functions the MIME layer uses.
declare module 'nodemailer/lib/mime-funcs/index.js' {
  const mimeFuncs: {
    /** RFC 2047 encoded word(s) for a value, each chunk at most `maxLength` characters. */
    encodeWord(value: string, encoding: 'Q' | 'B', maxLength?: number): string;
    /** Encodes only the words that need it; plain ASCII comes back unchanged. */
    encodeWords(value: string, encoding: 'Q' | 'B', maxLength?: number, encodeAll?: boolean): string;
    quoteString(value: string): string;
    /** Folds a header line at whitespace to `lineLength`, with CRLF and a leading space. */
    foldLines(line: string, lineLength?: number, afterSpace?: boolean): string;
  };
  export default mimeFuncs;
}

declare module 'nodemailer/lib/addressparser/index.js' {
  type Address = { name: string; address: string } | { name: string; group: Address[] };
  export default function addressparser(value: string): Address[];
}
