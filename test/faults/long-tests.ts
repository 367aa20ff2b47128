// Run in the same jest run as the rest of the suite (npm test's two projects), whose testTimeout
// (60 s) is global: each fault scenario runs for minutes.
jest.setTimeout(900_000);
