/**
 * Reads an SMTP dialogue as it crossed the wire, in both directions, into its mail transactions
 * (RFC 5321 §3.3: MAIL, RCPT..., DATA, the message, the reply to its end). Fed chunk by chunk from
 * each direction; commands are matched to replies in order (RFC 5321 §4.2: one reply per command,
 * multi-line replies `250-...` end at the line with a space after the code; a pipelining client
 * still gets its replies in order, RFC 2920 §3.1). Nothing here changes a byte.
 */
export interface SmtpReply {
  code: number;
  text: string;
}

export interface SmtpCommand {
  /** The command line without CRLF (`MAIL FROM:<...>`), or `(greeting)` / `(end of data)`. */
  line: string;
  reply?: SmtpReply;
}

/** One mail transaction: envelope, the message octets (dot-unstuffed, RFC 5321 §4.5.2) and the reply to its end. */
export interface SmtpTransaction {
  mailFrom: string;
  rcptTo: string[];
  /** RCPT replies, in order. */
  rcptReplies: (SmtpReply | undefined)[];
  /** The message as sent after DATA, CRLF line ends, without the terminating `.` line. */
  data?: Uint8Array;
  /** The reply to the end of data (250: the receiving side took it). */
  dataReply?: SmtpReply;
}

const CRLF = Buffer.from('\r\n');

export class SmtpTranscript {
  readonly commands: SmtpCommand[] = [{ line: '(greeting)' }];
  readonly transactions: SmtpTransaction[] = [];
  /** STARTTLS was accepted: what follows is encrypted and not read (the bytes are still relayed). */
  encrypted = false;
  private clientBuf = Buffer.alloc(0);
  private serverBuf = Buffer.alloc(0);
  private inData = false;
  private dataChunks: Buffer[] = [];
  private nextReply = 0;
  private current: SmtpTransaction | undefined;
  private replyLines: string[] = [];
  private readonly onTransaction: ((t: SmtpTransaction) => void) | undefined;

  constructor(onTransaction?: (t: SmtpTransaction) => void) {
    this.onTransaction = onTransaction;
  }

  /**
   * Octets the client (the sending MMSC) wrote; returns the transaction whose end-of-data line was
   * among them (its data complete, its reply still to come), if any.
   */
  client(chunk: Uint8Array): SmtpTransaction | undefined {
    if (this.encrypted) return undefined;
    this.clientBuf = Buffer.concat([this.clientBuf, chunk]);
    let ended: SmtpTransaction | undefined;
    for (;;) {
      const eol = this.clientBuf.indexOf(CRLF);
      if (eol < 0) return ended;
      const line = this.clientBuf.subarray(0, eol);
      this.clientBuf = this.clientBuf.subarray(eol + 2);
      if (this.inData) {
        if (line.length === 1 && line[0] === 0x2e) {
          this.inData = false;
          const data = Buffer.concat(this.dataChunks);
          this.dataChunks = [];
          if (this.current) this.current.data = new Uint8Array(data);
          ended = this.current;
          this.commands.push({ line: '(end of data)' });
          continue;
        }
        // RFC 5321 §4.5.2: a leading dot of a data line was doubled by the sender
        const body = line.length > 0 && line[0] === 0x2e ? line.subarray(1) : line;
        this.dataChunks.push(Buffer.from(body), CRLF);
        continue;
      }
      const text = line.toString('latin1');
      this.commands.push({ line: text });
      const verb = text.slice(0, 4).toUpperCase();
      if (verb === 'MAIL') {
        this.current = { mailFrom: pathOf(text), rcptTo: [], rcptReplies: [] };
        this.transactions.push(this.current);
      } else if (verb === 'RCPT' && this.current) {
        this.current.rcptTo.push(pathOf(text));
        this.current.rcptReplies.push(undefined);
      }
    }
  }

  /** Octets the server (the receiving MMSC) wrote. */
  server(chunk: Uint8Array): void {
    if (this.encrypted) return;
    this.serverBuf = Buffer.concat([this.serverBuf, chunk]);
    for (;;) {
      const eol = this.serverBuf.indexOf(CRLF);
      if (eol < 0) return;
      const line = this.serverBuf.subarray(0, eol).toString('latin1');
      this.serverBuf = this.serverBuf.subarray(eol + 2);
      this.replyLines.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)) || 0, text: this.replyLines.join('\n') };
      this.replyLines = [];
      this.answer(reply);
    }
  }

  private answer(reply: SmtpReply): void {
    const cmd = this.commands[this.nextReply];
    if (!cmd) return; // a reply to nothing: kept out (the bytes are in the capture)
    this.nextReply += 1;
    cmd.reply = reply;
    const verb = cmd.line.slice(0, 8).toUpperCase();
    const t = this.current;
    if (verb.startsWith('RCPT') && t) {
      const i = t.rcptReplies.indexOf(undefined);
      if (i >= 0) t.rcptReplies[i] = reply;
    } else if (verb.startsWith('DATA')) {
      if (reply.code === 354) this.inData = true;
    } else if (cmd.line === '(end of data)' && t) {
      t.dataReply = reply;
      this.onTransaction?.(t);
    } else if (verb === 'STARTTLS' && reply.code === 220) {
      this.encrypted = true;
    }
  }
}

/** The path of `MAIL FROM:<path> params` / `RCPT TO:<path>` (RFC 5321 §4.1.2). */
function pathOf(line: string): string {
  const m = /:\s*<([^>]*)>/.exec(line);
  return m ? m[1] : line.replace(/^[^:]*:\s*/, '').split(/\s/)[0];
}
