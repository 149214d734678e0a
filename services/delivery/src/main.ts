import { runMain, startApp } from '@renkei/platform';
import { deliveryApp } from './delivery.app';

runMain(() => startApp(deliveryApp));
