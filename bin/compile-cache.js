// V8's code cache for the CLI's bundle on Node 20 (decision 241). Node 22.1+ has module.enableCompileCache,
// which bin/mini-kube.js turns on instead; Node 20 compiles every function of every command from source
// on every run (~8 ms of CPU of a `get`). This keeps, per user, the code V8 compiled for each file of the
// bundle during the first run of a build, and hands it back to V8 on the next runs, as the
// v8-compile-cache package did for older Node versions.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/**
 * Where the cache of one build lives: in the user's own cache folder (created 0700: a code cache is code,
 * so never a folder another user can write, like a shared /tmp), one folder per Node version and build.
 * V8 checks only a source's length against its cache, so the build (the bundle's mtime and size, which
 * every rebuild changes) is part of the path.
 */
function cacheDirFor(bundleStat) {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'mini-kube', 'compile-cache', `${process.version}-${process.arch}`, `${Math.trunc(bundleStat.mtimeMs)}-${bundleStat.size}`);
}

/**
 * Compiles the CommonJS files under `bundleDir` with the cache, and at exit, when one of them had none (or
 * one V8 refused), writes the cache of each, including every function this run compiled.
 */
function useCompileCache(bundleDir, bundleStat) {
  // flags such as the daemon's --max-semi-space-size or --cpu-prof change what V8 accepts: no cache then
  if (process.execArgv.length) return;
  const cacheDir = cacheDirFor(bundleStat);
  const compile = Module.prototype._compile;
  const loaded = [];
  let fresh = false;
  Module.prototype._compile = function compileWithCache(content, filename, ...rest) {
    if (!filename.startsWith(bundleDir + path.sep)) return compile.call(this, content, filename, ...rest);
    const cacheFile = path.join(cacheDir, path.basename(filename));
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // the first run of this build
    }
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      // import() inside the bundle as in any module (Node 20.12+; before, no chunk that imports is reached)
      importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    loaded.push([cacheFile, script]);
    if (!cachedData || script.cachedDataRejected) fresh = true;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    // A run that loaded a file without a cache (the first of a command of this build) writes the caches
    // of every file it loaded: the entry's then holds what this command ran too, not only what the first
    // command of the build ran (what was read from a cache counts as compiled, so it only grows).
    if (!fresh) return;
    try {
      if (!fs.existsSync(cacheDir)) {
        fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        pruneOlderBuilds(cacheDir);
      }
      for (const [file, script] of loaded) {
        const tmp = `${file}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file); // whole or absent for a command running at the same time
      }
    } catch {
      // no cache this time (a read-only home): the next run compiles again, as without one
    }
  });
}

/** A new build: the caches of builds not used for a day go (other checkouts in use keep theirs). */
function pruneOlderBuilds(cacheDir) {
  const parent = path.dirname(cacheDir);
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of fs.readdirSync(parent)) {
    const dir = path.join(parent, name);
    try {
      if (dir !== cacheDir && fs.statSync(dir).mtimeMs < dayAgo) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another command pruned it at the same time
    }
  }
}

module.exports = { useCompileCache };
