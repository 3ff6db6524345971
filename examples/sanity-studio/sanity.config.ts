import { altTextApi } from '@alttextapi/sanity-plugin'
import { defineConfig } from 'sanity'
import { structureTool } from 'sanity/structure'
import { schemaTypes } from './schemaTypes/index.js'

// A dummy project id builds offline; set SANITY_STUDIO_PROJECT_ID to run against a real project.
const projectId = process.env.SANITY_STUDIO_PROJECT_ID || 'example0'
const dataset = process.env.SANITY_STUDIO_DATASET || 'production'

export default defineConfig({
  name: 'default',
  title: 'AltText API example',
  projectId,
  dataset,
  plugins: [
    structureTool(),
    // No API key here: it lives in the private document secrets.alttextapi (set it in the tool).
    altTextApi({
      altField: 'alt',
      languageField: 'language',
      concurrency: 4,
      // Figures get the long description of a chart or diagram (extra credits when asked).
      longDescriptionField: 'longDescription',
    }),
  ],
  schema: { types: schemaTypes },
})
