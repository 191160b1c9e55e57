/**
 * The typed API client: paths and bodies come from schema.d.ts, generated from the committed
 * openapi.json (`npm run web:api`), so a changed route breaks the build of the web application.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type User = Schemas['UserView'];
export type Role = User['roles'][number];
export type Locale = User['locale'];

export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem as the API answers every refusal. */
export interface Problem {
  status: number;
  title: string;
  code: string;
  detail?: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  /** The server's messages for one field (or any field under it: `markers.gender.marker`), each once. */
  field(name: string): string | undefined {
    return this.messages(
      (field) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`),
    );
  }

  /** The server's messages for exactly this field (not those under it), each once. */
  exactField(name: string): string | undefined {
    return this.messages((field) => field === name);
  }

  private messages(about: (field: string) => boolean): string | undefined {
    const found = (this.problem.errors ?? []).filter((e) => about(e.field)).map((e) => e.message);
    return found.length > 0 ? [...new Set(found)].join('; ') : undefined;
  }
}

let token: string | null = null;
let onUnauthorized: () => void = () => undefined;

export function setToken(value: string | null): void {
  token = value;
}

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    // An expired or revoked session: back to the sign-in page (the sign-in itself answers 401 too).
    if (response.status === 401 && token && !request.url.endsWith('/auth/login')) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

function toProblem(error: unknown, response: Response): Problem {
  if (error && typeof error === 'object' && 'code' in error) return error as Problem;
  return {
    status: response.status,
    title: response.statusText || 'Request failed',
    code: 'HTTP_' + response.status,
    detail: typeof error === 'string' && error ? error : undefined,
  };
}

/** The answer's data, or an ApiError carrying the server's problem. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch {
    throw new ApiError({
      status: 0,
      title: 'Network error',
      code: 'NETWORK',
      detail: 'The server cannot be reached',
    });
  }
  if (answer.error !== undefined || !answer.response.ok)
    throw new ApiError(toProblem(answer.error, answer.response));
  return answer.data as T;
}

/** Downloads a file the API serves (PDF, CSV, XLSX, attachment) with the session's token. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    let problem: Problem;
    try {
      problem = (await response.json()) as Problem;
    } catch {
      problem = { status: response.status, title: response.statusText, code: 'HTTP_' + response.status };
    }
    throw new ApiError(problem);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name ? decodeURIComponent(name) : (plain ?? fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type AttachmentKind = NonNullable<
  NonNullable<paths['/api/v1/concept-notes/{id}/attachments']['post']['parameters']['query']>['kind']
>;

/**
 * Uploads a file to a concept note (multipart/form-data). openapi.json describes the form's file as a
 * string; the browser sends the form itself, with its boundary. Without a file, the server says so.
 */
export function uploadAttachment(
  noteId: string,
  kind: AttachmentKind,
  file: File | null,
): Promise<Schemas['AttachmentView']> {
  const form = new FormData();
  if (file) form.append('file', file, file.name);
  return unwrap(
    api.POST('/api/v1/concept-notes/{id}/attachments', {
      params: { path: { id: noteId }, query: { kind } },
      body: {},
      bodySerializer: () => form,
    }),
  );
}
