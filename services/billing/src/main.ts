import { runMain, startApp } from '@renkei/platform';
import { billingApp } from './billing.app';

runMain(() => startApp(billingApp));
