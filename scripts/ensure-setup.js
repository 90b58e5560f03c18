#!/usr/bin/env node
// Dependency-free on purpose: it runs before node_modules exists on a fresh clone.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lockfile = path.join(root, 'package-lock.json');
const installedMarker = path.join(root, 'node_modules', '.package-lock.json');

function needsInstall() {
  if (!fs.existsSync(installedMarker)) return true;
  return fs.statSync(installedMarker).mtimeMs < fs.statSync(lockfile).mtimeMs;
}

function checkJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const text = `${result.stdout || ''}${result.stderr || ''}`;
  const match = /version "(\d+)/.exec(text);
  const major = match ? Number(match[1]) : 0;
  if (result.error || major < 17) {
    console.error(
      [
        '',
        'Rectify needs Java 17 or newer: the local DynamoDB (DynamoDB Local) is a Java program.',
        result.error ? 'No `java` command was found on PATH.' : `Found: ${text.split('\n')[0]}`,
        'Install a JDK/JRE 17, for example:',
        '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless',
        '  macOS:          brew install openjdk@17',
        'then run the command again.',
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
}

if (needsInstall()) {
  console.log('Installing dependencies from package-lock.json (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
// The documents' font is cut from a registry package after each install (scripts/document-font.ts).
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'document-font.ts')], {
  cwd: root,
  stdio: 'inherit',
});
checkJava();
