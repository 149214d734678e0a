import { runMain, startApp } from '@renkei/platform';
import { storageApp } from './storage.app';

runMain(() => startApp(storageApp));
