// Some suites run the built apps as users do (npm start, the agent CLI): build once, before any of them.
const { execFileSync } = require('node:child_process');

module.exports = async () => {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: __dirname, stdio: 'inherit' });
};
