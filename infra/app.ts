#!/usr/bin/env node
import { createRectifyApp } from './rectify-app';

const { app } = createRectifyApp();
app.synth();
