// Electron entry: the one module that loads Electron. It hands Electron's modules and this
// process's facts to the desktop app (src/main/host/desktop-app.ts), which tests run with fakes.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  safeStorage,
  session,
  shell,
} from 'electron'
import { DesktopApp } from './host/desktop-app'

void new DesktopApp({
  electron: { app, session, BrowserWindow, ipcMain, Menu, dialog, shell, safeStorage, Notification },
  process: {
    argv: process.argv,
    cwd: process.cwd(),
    env: process.env,
    platform: process.platform,
    resourcesPath: process.resourcesPath,
    stderr: process.stderr,
  },
  bundleDir: __dirname,
}).run()
