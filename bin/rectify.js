#!/usr/bin/env node
// The `rectify` command: runs the TypeScript CLI through tsx.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
require('tsx/cjs');
require('../cli/rectify.ts');
