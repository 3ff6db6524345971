import { defineArrayMember, defineField, defineType } from 'sanity'

/** An image with the alt subfield the plugin fills, and a caption it reads as context. */
export const figure = defineType({
  name: 'figure',
  title: 'Figure',
  type: 'image',
  options: { hotspot: true },
  fields: [
    defineField({ name: 'alt', title: 'Alternative text', type: 'string' }),
    defineField({ name: 'caption', title: 'Caption', type: 'string' }),
    // Filled by the plugin for charts, diagrams and screenshots of text (longDescriptionField).
    defineField({ name: 'longDescription', title: 'Long description', type: 'text', rows: 4 }),
  ],
})

export const post = defineType({
  name: 'post',
  title: 'Post',
  type: 'document',
  fields: [
    defineField({ name: 'title', type: 'string' }),
    defineField({
      name: 'language',
      type: 'string',
      options: { list: ['en', 'de', 'fr'] },
      initialValue: 'en',
    }),
    defineField({
      name: 'hero',
      type: 'image',
      fields: [
        defineField({ name: 'alt', title: 'Alternative text', type: 'string' }),
        defineField({ name: 'longDescription', title: 'Long description', type: 'text', rows: 4 }),
      ],
    }),
    defineField({ name: 'gallery', type: 'array', of: [defineArrayMember({ type: 'figure' })] }),
    defineField({
      name: 'body',
      type: 'array',
      of: [defineArrayMember({ type: 'block' }), defineArrayMember({ type: 'figure' })],
    }),
  ],
})

export const schemaTypes = [figure, post]
