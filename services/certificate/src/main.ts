import { runMain, startApp } from '@renkei/platform';
import { certificateApp } from './certificate.app';

runMain(() => startApp(certificateApp));
