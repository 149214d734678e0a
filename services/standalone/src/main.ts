import { runMain } from '@renkei/platform';
import { startStandalone } from './standalone.app';

runMain(() => startStandalone());
