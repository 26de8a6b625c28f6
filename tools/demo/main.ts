import { runDemo } from './run-demo';

// `npm run demo`: exits non-zero when the demo's deploy or teardown did not succeed.
runDemo()
  .then((summary) => {
    process.exitCode = summary.ok ? 0 : 1;
  })
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
