/**
 * Real Samba AD DCs on loopback for tests and benchmarks, shared by every test file.
 *
 * Samba's LDAP ports are fixed (389/636), so each DC gets its own loopback address, taken from a
 * pool with an atomic `mkdir` lock (`/tmp/belfry-samba/addr-127.0.100.N`), so test files running
 * at once, in any worktree, never collide. Provisioning takes ~12 s, so it happens once: a seeded
 * (or empty) template is made by `../shared/tools/ad-up.sh template` under a lock and reused by
 * every later DC and run (a copy starts in ~1 s). Each DC gets a certificate for its own address
 * from the template's throwaway test CA, so clients can verify `ldaps://<address>` for real.
 *
 * Every DC is started with a pipe on its stdin: `samba -i` exits when that pipe closes, so a test
 * process that dies (even by SIGKILL) takes its DCs with it. The exit handler also kills them.
 */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  closeSync,
} from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import type { LdapSettings } from '../../src/directory/types.js';

const run = promisify(execFile);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `../shared` beside the clone (CI) or the worktree (here). */
const adUpScript = resolve(repoRoot, '../shared/tools/ad-up.sh');
const root = '/tmp/belfry-samba';
/** Bump when the template's contents change, so old templates are not reused. */
const templateVersion = '1';
const poolPrefix = '127.0.100.';
const poolSize = 250;

export const realm = 'corp.example.test';
export const baseDn = 'DC=corp,DC=example,DC=test';
export const adminDn = `Administrator@${realm}`;
export const adminPassword = 'Adm1n!Passw0rd';
export const usersContainer = `CN=Users,${baseDn}`;

/** What the seeded template holds (ad-up.sh's seed). */
export const seeded = {
  alice: { dn: `CN=Alice Smith,${usersContainer}`, password: 'Passw0rd!Alice', mail: `alice@${realm}` },
  bob: { dn: `CN=bob,${usersContainer}`, password: 'Passw0rd!Bob1', mail: `bob@${realm}` },
  carol: { dn: `CN=carol,${usersContainer}`, password: 'Passw0rd!Carol', mail: `carol@${realm}` },
  groups: {
    chimePro: `CN=chime-pro,${usersContainer}`,
    chimeBasic: `CN=chime-basic,${usersContainer}`,
    engineering: `CN=engineering,${usersContainer}`,
  },
} as const;

export interface StartSambaOptions {
  /** alice/bob/carol and chime-pro/chime-basic/engineering (default true); false: an empty domain */
  seed?: boolean;
  /** Samba's default: simple binds over plain ldap:// refused (rc 8); default false */
  strongAuth?: boolean;
}

export interface NewUser {
  /** cn and sAMAccountName */
  name: string;
  password?: string;
  mail?: string;
  displayName?: string;
  /** default true (UAC 512; 514 when false) */
  enabled?: boolean;
  /** container DN; CN=Users by default */
  parentDn?: string;
}

export interface SambaDc {
  address: string;
  /** `ldap://<address>` */
  url: string;
  /** `ldaps://<address>` (certificate for the address, from `caPem`) */
  tlsUrl: string;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
  /** the test CA that signed this DC's certificate */
  caPem: string;
  /** another, unrelated CA: a client given it must refuse the DC */
  unrelatedCaPem: string;
  /** `samba-tool <args> --configfile=<this DC's smb.conf>`; resolves to its stdout */
  samba(...args: string[]): Promise<string>;
  /** `ldapmodify` as Administrator over ldaps */
  ldapModify(ldif: string): Promise<void>;
  addUser(user: NewUser): Promise<string>;
  addGroup(name: string, parentDn?: string): Promise<string>;
  addOu(name: string, parentDn?: string): Promise<string>;
  addMembers(groupDn: string, memberDns: string[]): Promise<void>;
  removeMembers(groupDn: string, memberDns: string[]): Promise<void>;
  /** replaces attributes (string values) on an entry */
  setAttributes(dn: string, values: Record<string, string | string[]>): Promise<void>;
  /** modrdn: new cn, same parent; returns the new DN */
  renameEntry(dn: string, newCn: string): Promise<string>;
  /** moves an entry under another parent; returns the new DN */
  moveEntry(dn: string, newParentDn: string): Promise<string>;
  /** the DC's log so far (for failure messages) */
  log(): string;
  /** SIGTERM, wait (bounded), release the address, delete the DC's files */
  stop(): Promise<void>;
  /** SIGKILL now: the address stays reserved (and dead) until `stop()` */
  kill(): Promise<void>;
}

const requiredTools = ['samba', 'samba-tool', 'ldapsearch', 'ldapmodify', 'openssl', 'ip'];

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, tool)));
}

/**
 * Why a Samba DC cannot run here, or undefined. Under `CI=true` a missing piece throws, so the
 * suite fails instead of skipping; locally the caller prints the reason and skips.
 */
export function sambaSkipReason(): string | undefined {
  const missing = requiredTools.filter((tool) => !onPath(tool));
  let reason: string | undefined;
  if (missing.length > 0)
    reason = `${missing.join(', ')} not installed (apt-get install samba-ad-dc ldap-utils)`;
  else if (process.getuid?.() !== 0) reason = 'a Samba DC needs root (ports 389/636 and ip addr)';
  else if (!existsSync(adUpScript)) reason = `${adUpScript} not found (../shared beside the repository)`;
  if (reason && process.env.CI === 'true')
    throw new Error(`Samba AD DC unavailable: ${reason}; CI requires it`);
  return reason;
}

// ---------------------------------------------------------------------------------------------
// Locks: a directory created with mkdir (atomic), holding the owner's pid.

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Takes `lockDir` when free or left by a dead process; true when this process now holds it. */
function tryLock(lockDir: string, onStale?: (owner: Record<string, unknown>) => void): boolean {
  try {
    mkdirSync(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = readJson(join(lockDir, 'owner.json'));
    // No owner file yet: its maker is between mkdir and write; treat as held.
    if (!owner || processAlive(Number(owner.pid))) return false;
    const tomb = `${lockDir}.stale-${process.pid}-${Date.now()}`;
    try {
      renameSync(lockDir, tomb); // only one reclaimer wins the rename
    } catch {
      return false;
    }
    onStale?.(owner);
    rmSync(tomb, { recursive: true, force: true });
    return tryLock(lockDir, onStale);
  }
  writeFileSync(join(lockDir, 'owner.json'), JSON.stringify({ pid: process.pid }));
  return true;
}

function updateLock(lockDir: string, fields: Record<string, unknown>): void {
  const owner = readJson(join(lockDir, 'owner.json')) ?? { pid: process.pid };
  writeFileSync(join(lockDir, 'owner.json'), JSON.stringify({ ...owner, ...fields }));
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------
// Loopback addresses

function onLoopback(address: string): boolean {
  return execFileSync('ip', ['-4', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' }).includes(
    `inet ${address}/`,
  );
}

/** A DC left by a dead test process still holds its address: end it (and delete its files) before reuse. */
function killLeftover(owner: Record<string, unknown>): void {
  if (typeof owner.dir === 'string' && owner.dir.startsWith(`${root}/dc-`))
    rmSync(owner.dir, { recursive: true, force: true });
  const pid = Number(owner.sambaPid);
  if (!pid || !processAlive(pid)) return;
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('samba')) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

interface Lease {
  address: string;
  lockDir: string;
  added: boolean;
}

let swept = false;

/** Once per process: frees what dead test processes left (their lock, DC files and address). */
function sweepLeftovers(): void {
  if (swept) return;
  swept = true;
  for (const name of readdirSync(root)) {
    const address = /^addr-(127\.0\.100\.\d+)$/.exec(name)?.[1];
    const lockDir = join(root, name);
    const owner = readJson(join(lockDir, 'owner.json'));
    if (!address || !owner || processAlive(Number(owner.pid))) continue;
    if (tryLock(lockDir, killLeftover)) releaseAddress({ address, lockDir, added: onLoopback(address) });
  }
}

function allocateAddress(): Lease {
  mkdirSync(root, { recursive: true });
  sweepLeftovers();
  const offset = Math.floor(Math.random() * poolSize);
  for (let i = 0; i < poolSize; i++) {
    const address = `${poolPrefix}${((offset + i) % poolSize) + 1}`;
    const lockDir = join(root, `addr-${address}`);
    if (!tryLock(lockDir, killLeftover)) continue;
    const added = !onLoopback(address);
    if (added) execFileSync('ip', ['addr', 'add', `${address}/8`, 'dev', 'lo']);
    return { address, lockDir, added };
  }
  throw new Error(`no free loopback address in ${poolPrefix}1-${poolSize} (see ${root})`);
}

function releaseAddress(lease: Lease): void {
  if (lease.added) {
    try {
      execFileSync('ip', ['addr', 'del', `${lease.address}/8`, 'dev', 'lo'], { stdio: 'ignore' });
    } catch {
      // already removed
    }
  }
  rmSync(lease.lockDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Templates: provisioned once, reused across test files and runs.

interface Template {
  dir: string;
  /** the path the DC was provisioned at (smb.conf names it) */
  origin: string;
}

function templateKey(seed: boolean): string {
  const hash = createHash('sha256').update(templateVersion).update(readFileSync(adUpScript)).digest('hex');
  return `${seed ? 'seeded' : 'empty'}-${hash.slice(0, 10)}`;
}

function readTemplate(dir: string): Template | undefined {
  const meta = readJson(join(dir, 'template.json'));
  const complete = ['dc/etc/smb.conf', 'ca/ca.pem', 'ca/ca.key', 'ca/unrelated.pem'].every((f) =>
    existsSync(join(dir, f)),
  );
  return meta && complete ? { dir, origin: String(meta.origin) } : undefined;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd, timeout: 30_000 });
}

async function makeCa(dir: string, name: string, file: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      `${file}.key`,
      '-out',
      `${file}.pem`,
      '-days',
      '3650',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
}

async function buildTemplate(dir: string, seed: boolean): Promise<void> {
  const build = `${dir}.build-${process.pid}`;
  rmSync(build, { recursive: true, force: true });
  const lease = allocateAddress();
  try {
    const env = { ...process.env, AD_ADDR: lease.address, AD_SEED: seed ? '1' : '0', AD_STRONG_AUTH: 'no' };
    await run('bash', [adUpScript, 'template', build], { env, timeout: 240_000 });
    const ca = join(build, 'ca');
    mkdirSync(ca);
    await makeCa(ca, 'Belfry throwaway test CA', 'ca');
    await makeCa(ca, 'An unrelated CA', 'unrelated');
    writeFileSync(
      join(build, 'template.json'),
      JSON.stringify({ origin: build, seed, madeAt: new Date().toISOString() }),
    );
    renameSync(build, dir);
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    throw new Error(`making the Samba template failed: ${(error as Error).message}`, { cause: error });
  } finally {
    releaseAddress(lease);
  }
}

const templateWaitMs = 300_000;

async function template(seed: boolean): Promise<Template> {
  mkdirSync(root, { recursive: true });
  const dir = join(root, `template-${templateKey(seed)}`);
  const deadline = Date.now() + templateWaitMs;
  while (Date.now() < deadline) {
    const ready = readTemplate(dir);
    if (ready) return ready;
    const lock = `${dir}.lock`;
    if (tryLock(lock)) {
      try {
        if (!readTemplate(dir)) {
          rmSync(dir, { recursive: true, force: true });
          await buildTemplate(dir, seed);
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      continue;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${templateWaitMs / 1000} s waiting for the Samba template ${dir}`);
}

// ---------------------------------------------------------------------------------------------
// One DC

const running = new Set<{ child: ChildProcess; lease: Lease; dir: string }>();
let exitHookInstalled = false;

/** On exit (also after SIGINT/SIGTERM) no DC of this process is left running. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dc of running) {
      dc.child.kill('SIGKILL');
      rmSync(dc.dir, { recursive: true, force: true });
      releaseAddress(dc.lease);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  }
}

async function issueCertificate(tpl: Template, work: string, address: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(['req', ...ec, '-keyout', 'key.pem', '-out', 'dc.csr', '-subj', `/CN=dc1.${realm}`], work);
  writeFileSync(
    join(work, 'ext.cnf'),
    `subjectAltName=IP:${address},DNS:dc1.${realm}\nextendedKeyUsage=serverAuth\n`,
  );
  const ca = join(tpl.dir, 'ca');
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'dc.csr',
      '-CA',
      join(ca, 'ca.pem'),
      '-CAkey',
      join(ca, 'ca.key'),
      '-set_serial',
      String(Date.now()),
      '-out',
      'cert.pem',
      '-days',
      '30',
      '-extfile',
      'ext.cnf',
    ],
    work,
  );
}

function tcpOpen(address: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connectTcp({ host: address, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

const startTimeoutMs = 60_000;
const stopTimeoutMs = 5_000;

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => (clearTimeout(timer), done(true)));
  });
}

/** Copies the template, gives the DC its address and certificate, starts it and waits for LDAP. */
export async function startSamba(options: StartSambaOptions = {}): Promise<SambaDc> {
  const skip = sambaSkipReason();
  if (skip) throw new Error(`cannot start Samba: ${skip}`);
  installExitHook();
  const tpl = await template(options.seed ?? true);
  const lease = allocateAddress();
  const dir = join(root, `dc-${lease.address}-${process.pid}`);
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'tls'), { recursive: true });
    await run('cp', ['-a', join(tpl.dir, 'dc'), join(dir, 'dc')], { timeout: 60_000 });
    patchConfig(join(dir, 'dc/etc/smb.conf'), tpl, dir, lease.address, options.strongAuth ?? false);
    await issueCertificate(tpl, join(dir, 'tls'), lease.address);
    const tlsDir = join(dir, 'dc/private/tls');
    writeFileSync(join(tlsDir, 'ca.pem'), readFileSync(join(tpl.dir, 'ca/ca.pem')));
    writeFileSync(join(tlsDir, 'cert.pem'), readFileSync(join(dir, 'tls/cert.pem')));
    writeFileSync(join(tlsDir, 'key.pem'), readFileSync(join(dir, 'tls/key.pem')), { mode: 0o600 });
    writeFileSync(join(dir, 'admin.pw'), adminPassword, { mode: 0o600 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    releaseAddress(lease);
    throw error;
  }
  const child = launch(dir);
  const entry = { child, lease, dir };
  running.add(entry);
  updateLock(lease.lockDir, { sambaPid: child.pid, dir });
  const logFile = join(dir, 'samba.out');
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  try {
    await waitForLdap(child, lease.address, log);
  } catch (error) {
    child.kill('SIGKILL');
    await waitExit(child, stopTimeoutMs);
    running.delete(entry);
    rmSync(dir, { recursive: true, force: true });
    releaseAddress(lease);
    throw error;
  }
  return describeDc(entry, tpl, log);
}

function patchConfig(conf: string, tpl: Template, dir: string, address: string, strongAuth: boolean): void {
  const text = readFileSync(conf, 'utf8')
    .split(`${tpl.origin}/dc`)
    .join(`${dir}/dc`)
    .replace(/^\tinterfaces = .*$/m, `\tinterfaces = ${address}\n\tldb:nosync = true`)
    .replace(
      /^\tldap server require strong auth = .*$/m,
      `\tldap server require strong auth = ${strongAuth ? 'yes' : 'no'}`,
    );
  writeFileSync(conf, text);
}

function launch(dir: string): ChildProcess {
  const out = openSync(join(dir, 'samba.out'), 'a');
  const conf = join(dir, 'dc/etc/smb.conf');
  // stdin is a pipe: `samba -i` terminates on EOF, i.e. when this process goes away.
  const child = spawn('samba', ['-s', conf, '-i', '-M', 'single', '--debuglevel=1'], {
    stdio: ['pipe', out, out],
  });
  closeSync(out);
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

async function waitForLdap(child: ChildProcess, address: string, log: () => string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`samba exited at start:\n${log().slice(-2000)}`);
    if ((await tcpOpen(address, 389)) && (await tcpOpen(address, 636))) return;
    await sleep(100);
  }
  throw new Error(
    `samba on ${address} did not answer LDAP within ${startTimeoutMs / 1000} s:\n${log().slice(-2000)}`,
  );
}

function describeDc(
  entry: { child: ChildProcess; lease: Lease; dir: string },
  tpl: Template,
  log: () => string,
): SambaDc {
  const { child, lease, dir } = entry;
  const address = lease.address;
  const caFile = join(tpl.dir, 'ca/ca.pem');
  const caPem = readFileSync(caFile, 'utf8');
  const tlsUrl = `ldaps://${address}`;
  const conf = join(dir, 'dc/etc/smb.conf');

  async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      url: tlsUrl,
      tlsOptions: { ca: caPem },
      connectTimeout: 5000,
      timeout: 30_000,
    });
    try {
      await client.bind(adminDn, adminPassword);
      return await work(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
  const modify = (dn: string, operation: 'add' | 'delete' | 'replace', type: string, values: string[]) =>
    admin((c) => c.modify(dn, new Change({ operation, modification: new Attribute({ type, values }) })));
  let stopped = false;

  return {
    address,
    url: `ldap://${address}`,
    tlsUrl,
    baseDn,
    bindDn: adminDn,
    bindPassword: adminPassword,
    caPem,
    unrelatedCaPem: readFileSync(join(tpl.dir, 'ca/unrelated.pem'), 'utf8'),
    log,
    async samba(...args) {
      const { stdout } = await run('samba-tool', [...args, `--configfile=${conf}`], { timeout: 120_000 });
      return stdout;
    },
    async ldapModify(ldif) {
      await new Promise<void>((done, fail) => {
        const ldap = execFile(
          'ldapmodify',
          ['-x', '-H', tlsUrl, '-D', adminDn, '-y', join(dir, 'admin.pw')],
          { env: { ...process.env, LDAPTLS_CACERT: caFile }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
          (error, _stdout, stderr) =>
            error ? fail(new Error(`ldapmodify failed: ${stderr || error.message}`)) : done(),
        );
        ldap.stdin?.end(ldif);
      });
    },
    async addUser(user) {
      const dn = `CN=${user.name},${user.parentDn ?? usersContainer}`;
      const attributes = [
        new Attribute({ type: 'objectClass', values: ['user'] }),
        new Attribute({ type: 'sAMAccountName', values: [user.name] }),
        new Attribute({ type: 'userPrincipalName', values: [`${user.name}@${realm}`] }),
        ...(user.mail ? [new Attribute({ type: 'mail', values: [user.mail] })] : []),
        ...(user.displayName ? [new Attribute({ type: 'displayName', values: [user.displayName] })] : []),
        ...(user.password
          ? [new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${user.password}"`, 'utf16le')] })]
          : []),
        new Attribute({
          type: 'userAccountControl',
          values: [user.enabled === false || !user.password ? '514' : '512'],
        }),
      ];
      await admin((c) => c.add(dn, attributes));
      return dn;
    },
    async addGroup(name, parentDn = usersContainer) {
      const dn = `CN=${name},${parentDn}`;
      await admin((c) => c.add(dn, { objectClass: 'group', sAMAccountName: name }));
      return dn;
    },
    async addOu(name, parentDn = baseDn) {
      const dn = `OU=${name},${parentDn}`;
      await admin((c) => c.add(dn, { objectClass: 'organizationalUnit' }));
      return dn;
    },
    addMembers: (groupDn, memberDns) => modify(groupDn, 'add', 'member', memberDns),
    removeMembers: (groupDn, memberDns) => modify(groupDn, 'delete', 'member', memberDns),
    async setAttributes(dn, values) {
      const changes = Object.entries(values).map(
        ([type, value]) =>
          new Change({ operation: 'replace', modification: new Attribute({ type, values: [value].flat() }) }),
      );
      await admin((c) => c.modify(dn, changes));
    },
    async renameEntry(dn, newCn) {
      const parent = dn.slice(dn.search(/[^\\],/) + 2);
      await admin((c) => c.modifyDN(dn, `CN=${newCn}`));
      return `CN=${newCn},${parent}`;
    },
    async moveEntry(dn, newParentDn) {
      const rdn = dn.slice(0, dn.search(/[^\\],/) + 1);
      await admin((c) => c.modifyDN(dn, `${rdn},${newParentDn}`));
      return `${rdn},${newParentDn}`;
    },
    async kill() {
      child.kill('SIGKILL');
      await waitExit(child, stopTimeoutMs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      if (!(await waitExit(child, stopTimeoutMs))) {
        child.kill('SIGKILL');
        await waitExit(child, stopTimeoutMs);
      }
      running.delete(entry);
      rmSync(dir, { recursive: true, force: true });
      releaseAddress(lease);
    },
  };
}

/** Settings for Belfry's LDAP client that reach `dc` over ldaps with its CA, as Administrator. */
export function directorySettings(dc: SambaDc, overrides: Partial<LdapSettings> = {}): LdapSettings {
  return {
    urls: [dc.tlsUrl],
    bindDn: dc.bindDn,
    bindPassword: dc.bindPassword,
    baseDn: dc.baseDn,
    userFilter: undefined,
    caPem: dc.caPem,
    startTls: false,
    ...overrides,
  };
}
