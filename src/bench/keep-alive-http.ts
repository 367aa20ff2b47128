import * as http from 'node:http';

export interface JsonAnswer {
  status: number;
  text: string;
}

/**
 * The bench's HTTP client: node's own `http` over pooled keep-alive connections, as an
 * integration calling the API at volume would. Node's `fetch` costs the caller about twice the
 * CPU per call (its WHATWG streams), and the caller shares the machine's cores with the servers:
 * on 2 cores that difference alone moved the query ratio by several points.
 */
export class KeepAliveHttp {
  private readonly agent: http.Agent;
  private readonly hostname: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly headers: Record<string, string>,
    maxSockets: number,
  ) {
    const url = new URL(baseUrl);
    this.hostname = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          hostname: this.hostname,
          port: this.port,
          method,
          path,
          headers: payload
            ? { ...this.headers, 'content-type': 'application/json', 'content-length': payload.length }
            : this.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
