/* tslint:disable */
/* eslint-disable */

/**
 * One run of the apply protocol; the caller executes each request with `fetch`.
 */
export class ApplyRun {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The report's output alone, serialized by core (what the CLI prints with `--json`).
     */
    outputJson(): string;
    /**
     * Feeds a reply (`{"kind":"response","status","headers","body"}` or
     * `{"kind":"transport","message"}`) and returns the next step.
     */
    reply(reply_json: string, now_epoch_s: number): string;
    /**
     * The final report (`output`, `exit_code`, `error`) once the protocol is done.
     */
    report(): string;
    /**
     * The first step as JSON: `{"step":"send","delay_ms","request"}` or `{"step":"done","result"}`.
     */
    start(): string;
}

/**
 * `status` or `sweep` as a request asks (one repository, or each with `all`).
 */
export class FleetJob {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Where and how to send requests (as [`PreparedProposal::executor`]).
     */
    executor(): string;
    /**
     * The protocol of repository `index`.
     */
    run(index: number): FleetProtocol;
    /**
     * How many repositories it covers.
     */
    readonly count: number;
}

/**
 * One repository's `status` or `sweep`; the caller executes each request with `fetch`.
 */
export class FleetProtocol {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Why the run failed, as core's failure JSON, or null.
     */
    error(): string | undefined;
    /**
     * The output as the CLI's `--json` prints it: one line per pull request.
     */
    jsonLines(): string;
    /**
     * The output as one JSON object.
     */
    outputJson(): string;
    /**
     * Feeds a reply and returns the next step (as [`ApplyRun::reply`]).
     */
    reply(reply_json: string, now_epoch_s: number): string;
    /**
     * The first step as JSON (as [`ApplyRun::start`]).
     */
    start(): string;
    /**
     * The step summary (a table).
     */
    summary(): string;
    /**
     * The output as the CLI prints it.
     */
    text(): string;
    /**
     * The documented exit code.
     */
    readonly exitCode: number;
}

/**
 * A validated (or refused) proposal.
 */
export class PreparedProposal {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * `::error …` workflow commands for the problems, as a JSON array of strings.
     */
    annotations(plan_file: string): string;
    /**
     * Starts the apply protocol with the operator's retry settings.
     */
    apply(): ApplyRun;
    /**
     * The dry-run (or refusal) output as JSON.
     */
    dryRunJson(): string;
    /**
     * The dry-run (or refusal) output as the CLI prints it.
     */
    dryRunText(): string;
    /**
     * Where and how to send requests: `{"api_url","http_timeout_ms"}`, after
     * core checked that the token may travel to that URL (else it throws, exit 3).
     */
    executor(): string;
    /**
     * The exit code of a dry run (0, or 1 when refused).
     */
    readonly exitCode: number;
    /**
     * Whether the plan passed validation.
     */
    readonly ok: boolean;
}

/**
 * The Action's inputs (`INPUT_*` variables in `env_json`), parsed by core.
 */
export function actionInputs(env_json: string): string;

/**
 * The Action's outputs for a run, as a JSON array of `[name, value]` pairs
 * (`verb`: `diagnose`, `propose_fix` or `matrix`; see core's `action_outputs`).
 */
export function actionOutputs(verb: string, json: string, cached?: string | null): string;

/**
 * `diagnose` over a JS checkout; returns the JSON object.
 */
export function diagnose(request_json: string, checkout: any): string;

/**
 * `diagnose` over files given as an object `{path: bytes}`.
 */
export function diagnoseFiles(request_json: string, files: any): string;

/**
 * Where to cache a diagnosis, relative to the cache folder (write every path; read in order).
 */
export function diagnosisCachePaths(target_repo: string, id: string): string;

/**
 * The cache file's text for a diagnosis (the same bytes the CLI writes).
 */
export function diagnosisCacheText(output_json: string): string;

/**
 * The human summary of a diagnosis; `cached` is where the cache file went.
 */
export function diagnosisSummary(output_json: string, cached?: string | null): string;

/**
 * The `::error` workflow command for a failure (the JSON a thrown error carries as `failure`).
 */
export function failureCommand(failure_json: string): string;

/**
 * Throws core's failure for an error the embedder did not expect (a bug, or a
 * broken runner: an output file that cannot be written).
 */
export function internalError(message: string): void;

/**
 * The petrova metadata a pull-request body carries (what the apply protocol reads
 * back from existing pull requests), as JSON. Errors carry core's `code`
 * (`metadata_missing`, `metadata_no_block`, `metadata_invalid`) and, when the
 * YAML error has one, the `line` inside the block; `exitCode` is 1, as for the
 * other problems in user content.
 */
export function parseMetadata(body: string): string;

/**
 * The plan JSON Schema, pretty-printed.
 */
export function planSchema(): string;

/**
 * Validates a plan (its bytes as read) against a JS checkout and a JS diagnosis store.
 */
export function prepare(request_json: string, plan_bytes: Uint8Array | number[], checkout: any, load_diagnosis: Function): PreparedProposal;

/**
 * Validates a plan against files `{path: bytes}` and diagnoses `{id: json}`.
 */
export function prepareFiles(request_json: string, plan_bytes: Uint8Array | number[], files: any, diagnoses_json: string): PreparedProposal;

/**
 * Prepares `status` or `sweep` from a request (`FleetRequest` as JSON).
 */
export function prepareFleet(request_json: string): FleetJob;

/**
 * The browser preview: problems, key, branch, upholds, changes, title, body and its HTML.
 */
export function preview(request_json: string): string;

/**
 * The idempotency key, short key and branch of a plan for a repository slug.
 */
export function proposalKey(target_repo: string, plan_json: string): string;

/**
 * The registry as a GitHub Actions `strategy.matrix`; `filters_json` is an array of `KEY=VALUE`.
 */
export function registryMatrix(registry_json: string, filters_json: string): string;

/**
 * The registry source (`{source, path}` JSON) of a registry file's bytes;
 * one that is not UTF-8 is refused (exit 3) as the CLI refuses it.
 */
export function registrySource(bytes: Uint8Array | number[], path: string): string;

/**
 * A body's HTML as the preview shows it (raw HTML escaped, comments dropped).
 */
export function renderHtml(markdown: string): string;

/**
 * The text for a `propose_fix` output JSON (dry run, applied, skipped, refused, failed).
 */
export function renderOutputText(output_json: string): string;

/**
 * Throws core's failure (exit 3) when a run that talks to GitHub has no token;
 * the token itself stays with the embedder.
 */
export function requireToken(present: boolean): void;

/**
 * The schema fingerprint.
 */
export function schemaFingerprint(): string;

/**
 * The step summary markdown for a run; `output_json` is a `propose_fix` output, or null.
 */
export function stepSummary(verb: string, text: string, output_json?: string | null): string;

/**
 * Throws core's failure for a registry (`what` = `registry`) or plan
 * (`what` = `plan`) file the embedder could not read; `kind` as for checkouts.
 */
export function unreadable(what: string, path: string, kind: string): void;

/**
 * The core version.
 */
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_applyrun_free: (a: number, b: number) => void;
    readonly __wbg_fleetjob_free: (a: number, b: number) => void;
    readonly __wbg_fleetprotocol_free: (a: number, b: number) => void;
    readonly __wbg_preparedproposal_free: (a: number, b: number) => void;
    readonly actionInputs: (a: number, b: number) => [number, number, number, number];
    readonly actionOutputs: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number, number];
    readonly applyrun_outputJson: (a: number) => [number, number, number, number];
    readonly applyrun_reply: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly applyrun_report: (a: number) => [number, number, number, number];
    readonly applyrun_start: (a: number) => [number, number];
    readonly diagnose: (a: number, b: number, c: any) => [number, number, number, number];
    readonly diagnoseFiles: (a: number, b: number, c: any) => [number, number, number, number];
    readonly diagnosisCachePaths: (a: number, b: number, c: number, d: number) => [number, number];
    readonly diagnosisCacheText: (a: number, b: number) => [number, number, number, number];
    readonly diagnosisSummary: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly failureCommand: (a: number, b: number) => [number, number, number, number];
    readonly fleetjob_count: (a: number) => number;
    readonly fleetjob_executor: (a: number) => [number, number, number, number];
    readonly fleetjob_run: (a: number, b: number) => [number, number, number];
    readonly fleetprotocol_error: (a: number) => [number, number, number, number];
    readonly fleetprotocol_exitCode: (a: number) => [number, number, number];
    readonly fleetprotocol_jsonLines: (a: number) => [number, number, number, number];
    readonly fleetprotocol_outputJson: (a: number) => [number, number, number, number];
    readonly fleetprotocol_reply: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly fleetprotocol_start: (a: number) => [number, number];
    readonly fleetprotocol_summary: (a: number) => [number, number, number, number];
    readonly fleetprotocol_text: (a: number) => [number, number, number, number];
    readonly internalError: (a: number, b: number) => [number, number];
    readonly parseMetadata: (a: number, b: number) => [number, number, number, number];
    readonly planSchema: () => [number, number];
    readonly prepare: (a: number, b: number, c: number, d: number, e: any, f: any) => [number, number, number];
    readonly prepareFiles: (a: number, b: number, c: number, d: number, e: any, f: number, g: number) => [number, number, number];
    readonly prepareFleet: (a: number, b: number) => [number, number, number];
    readonly preparedproposal_annotations: (a: number, b: number, c: number) => [number, number];
    readonly preparedproposal_apply: (a: number) => [number, number, number];
    readonly preparedproposal_dryRunJson: (a: number) => [number, number];
    readonly preparedproposal_dryRunText: (a: number) => [number, number];
    readonly preparedproposal_executor: (a: number) => [number, number, number, number];
    readonly preparedproposal_exitCode: (a: number) => number;
    readonly preparedproposal_ok: (a: number) => number;
    readonly preview: (a: number, b: number) => [number, number, number, number];
    readonly proposalKey: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly registryMatrix: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly registrySource: (a: number, b: number, c: number, d: number) => [number, number, number, number];
    readonly renderHtml: (a: number, b: number) => [number, number];
    readonly renderOutputText: (a: number, b: number) => [number, number, number, number];
    readonly requireToken: (a: number) => [number, number];
    readonly schemaFingerprint: () => [number, number];
    readonly stepSummary: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number, number];
    readonly unreadable: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number];
    readonly version: () => [number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
