// Entry of the separate ccxt bundle (dist/ccxt.js) that the extension requires on first need.
export { default } from 'ccxt';
