import { runMain, startApp } from '@renkei/platform';
import { intakeApp } from './intake.app';

runMain(() => startApp(intakeApp));
