// node --import this: `electron` resolves to the stand-in (see electron-loader.ts).
import { register } from 'node:module';

register(new URL('./electron-loader.js', import.meta.url));
