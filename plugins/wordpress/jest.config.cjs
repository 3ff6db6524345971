// wp-scripts' Jest preset, limited to the unit tests next to the sources; @wordpress packages ship
// ESM that must be transformed too.
const preset = require('@wordpress/scripts/config/jest-unit.config')

module.exports = {
  ...preset,
  testMatch: ['<rootDir>/src/**/*.test.js'],
  // Bounded but generous: a loaded CI machine renders @wordpress/components slowly.
  testTimeout: 30_000,
  transform: {
    ...preset.transform,
    '^.+\\.mjs$': Object.values(preset.transform)[0],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/(uuid|@wordpress/theme)/).*/node_modules/'],
}
