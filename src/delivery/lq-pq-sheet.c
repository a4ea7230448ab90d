/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-pq-sheet"

#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>

#include "lq-pq-sheet.h"

/* One line of the index table. */
typedef struct
{
  char track[3];          /* "01".."99", "AA" for the lead-out */
  guint index;
  guint64 at;             /* CD frames */
  guint64 length;         /* frames to the next point that ends it, G_MAXUINT64 for none */
  const char *isrc;
  const char *label;      /* title — performer, or a note */
} Row;

static char *
msf (guint64 frames)
{
  return lq_redbook_format_msf (frames);
}

static char *
track_label (const LqCdDisc *disc,
             guint           number)
{
  const char *title = disc->cdtext ? lq_cdtext_get (disc->cdtext, number, LQ_CDTEXT_TITLE) : NULL;
  const char *performer = disc->cdtext ? lq_cdtext_get (disc->cdtext, number, LQ_CDTEXT_PERFORMER) : NULL;

  if (title != NULL && performer != NULL)
    return g_strdup_printf ("%s — %s", title, performer);
  return g_strdup (title != NULL ? title : performer != NULL ? performer : "");
}

/* The index table: every index point in disc order, then the lead-out. Labels are owned by
 * @labels. */
static GArray *
make_rows (const LqCdDisc *disc,
           GPtrArray      *labels)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));

  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];
      guint64 next = i + 1 < disc->n_tracks ? disc->tracks[i + 1].start : disc->length;
      char *label = track_label (disc, t->number);
      Row row = { .isrc = t->isrc };

      g_ptr_array_add (labels, label);
      g_snprintf (row.track, sizeof row.track, "%02u", t->number);
      if (t->index0 < t->start)
        {
          row.index = 0;
          row.at = t->index0;
          row.length = t->start - t->index0;
          row.label = i == 0 ? _("(pre-gap)") : _("(pause)");
          g_array_append_val (rows, row);
        }
      row.index = 1;
      row.at = t->start;
      row.length = next > t->start ? next - t->start : 0;
      row.label = label;
      g_array_append_val (rows, row);
      for (guint k = 0; k < t->n_indexes; k++)
        {
          Row sub = { .index = k + 2, .at = t->indexes[k], .length = G_MAXUINT64, .label = "" };

          memcpy (sub.track, row.track, sizeof sub.track);
          g_array_append_val (rows, sub);
        }
    }
  {
    Row out = { .track = "AA", .index = 1, .at = disc->length, .length = G_MAXUINT64, .label = _("(lead-out)") };

    g_array_append_val (rows, out);
  }
  return rows;
}

static char *
ean_of (const LqCdDisc *disc)
{
  char ean[14];

  if (disc->upc == NULL)
    return g_strdup (_("none"));
  if (!lq_redbook_normalize_catalog (disc->upc, ean, NULL))
    return g_strdup_printf (_("%s (invalid)"), disc->upc);
  return g_strdup (ean);
}

/* "Key: value" lines of the header, in pairs in @out (owned strings). */
static GPtrArray *
make_header (const LqCdDisc      *disc,
             const LqPqSheetInfo *info)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  const char *title = disc->cdtext ? lq_cdtext_get (disc->cdtext, 0, LQ_CDTEXT_TITLE) : NULL;
  const char *performer = disc->cdtext ? lq_cdtext_get (disc->cdtext, 0, LQ_CDTEXT_PERFORMER) : NULL;
  g_autofree char *length = msf (disc->length);

  if (title == NULL)
    title = disc->title;
  g_ptr_array_add (pairs, g_strdup (_("Album")));
  g_ptr_array_add (pairs, g_strdup (title != NULL ? title : ""));
  g_ptr_array_add (pairs, g_strdup (_("Performer")));
  g_ptr_array_add (pairs, g_strdup (performer != NULL ? performer : ""));
  g_ptr_array_add (pairs, g_strdup (_("UPC/EAN")));
  g_ptr_array_add (pairs, ean_of (disc));
  g_ptr_array_add (pairs, g_strdup (_("Tracks")));
  g_ptr_array_add (pairs, g_strdup_printf ("%u", disc->n_tracks));
  g_ptr_array_add (pairs, g_strdup (_("Total length")));
  g_ptr_array_add (pairs, g_strdup_printf (_("%s (lead-out address, %" G_GUINT64_FORMAT " sectors)"),
                                           length, disc->length));
  g_ptr_array_add (pairs, g_strdup (_("Pre-gap")));
  g_ptr_array_add (pairs, disc->n_tracks > 0 ? msf (disc->tracks[0].start) : g_strdup (""));
  g_ptr_array_add (pairs, g_strdup (_("Format")));
  g_ptr_array_add (pairs, g_strdup (_("CD-DA, 44100 Hz, 16-bit stereo; no pre-emphasis; copy not permitted")));
  g_ptr_array_add (pairs, g_strdup (_("CD-Text")));
  g_ptr_array_add (pairs, g_strdup (disc->cdtext ? _("yes (block 0, English, ISO 8859-1)") : _("no")));
  if (info != NULL && info->master_id != NULL)
    {
      g_ptr_array_add (pairs, g_strdup (_("Master ID")));
      g_ptr_array_add (pairs, g_strdup (info->master_id));
    }
  if (info != NULL && info->image_md5 != NULL)
    {
      g_ptr_array_add (pairs, g_strdup (_("Image MD5")));
      g_ptr_array_add (pairs, g_strdup (info->image_md5));
    }
  if (info != NULL && info->source != NULL)
    {
      g_ptr_array_add (pairs, g_strdup (_("Source")));
      g_ptr_array_add (pairs, g_strdup (info->source));
    }
  return pairs;
}

static char *
format_row (const Row *row)
{
  g_autofree char *at = msf (row->at);
  g_autofree char *length = row->length != G_MAXUINT64 ? msf (row->length) : g_strdup ("");

  return g_strdup_printf ("%-3s  %02u   %-8s  %-8s  %-12s  %s", row->track, row->index, at, length,
                          row->isrc != NULL && row->index == 1 ? row->isrc : "", row->label);
}

/* CD-Text as rows of three strings: who ("Album", "Track 01"), the field, the text. */
static GPtrArray *
make_cdtext_rows (const LqCdDisc *disc)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

  if (disc->cdtext == NULL)
    return cells;
  for (guint t = 0; t <= lq_cdtext_get_n_tracks (disc->cdtext); t++)
    for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
      {
        const char *text = lq_cdtext_get (disc->cdtext, t, f);

        if (text == NULL)
          continue;
        g_ptr_array_add (cells, t == 0 ? g_strdup (_("Album")) : g_strdup_printf (_("Track %02u"), t));
        g_ptr_array_add (cells, g_strdup (lq_cdtext_field_name (f)));
        g_ptr_array_add (cells, g_strdup (text));
      }
  return cells;
}

/**
 * lq_pq_sheet_format_text:
 * @info: (nullable): master ID, image checksum, source
 *
 * Returns: (transfer full): the PQ sheet as plain UTF-8 text
 */
char *
lq_pq_sheet_format_text (const LqCdDisc      *disc,
                         const LqPqSheetInfo *info)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) cdtext = NULL;

  g_return_val_if_fail (disc != NULL, NULL);

  header = make_header (disc, info);
  rows = make_rows (disc, labels);
  cdtext = make_cdtext_rows (disc);

  g_string_append_printf (s, "%s — %s\n\n", _("PQ sheet"), PACKAGE_STRING);
  for (guint i = 0; i + 1 < header->len; i += 2)
    g_string_append_printf (s, "%-14s %s\n", (char *) header->pdata[i], (char *) header->pdata[i + 1]);
  g_string_append_c (s, '\n');
  g_string_append_printf (s, "%-3s  %-3s  %-8s  %-8s  %-12s  %s\n", _("Trk"), _("Idx"), _("Start"),
                          _("Length"), _("ISRC"), _("Title — Performer"));
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *line = format_row (&g_array_index (rows, Row, i));

      g_string_append_printf (s, "%s\n", line);
    }
  g_string_append_printf (s, "\n%s\n", _("Times are absolute (mm:ss:ff, 75 frames a second) from the start of the image; a track’s length runs from its index 01 to the next track’s index 01."));
  if (cdtext->len > 0)
    {
      g_string_append_printf (s, "\n%s\n", _("CD-Text"));
      for (guint i = 0; i + 2 < cdtext->len; i += 3)
        g_string_append_printf (s, "  %-10s %-10s  %s\n", (char *) cdtext->pdata[i],
                                (char *) cdtext->pdata[i + 1], (char *) cdtext->pdata[i + 2]);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

#define PAGE_WIDTH  595.0  /* A4 in points */
#define PAGE_HEIGHT 842.0
#define MARGIN      50.0
#define LINE        12.5

typedef struct
{
  cairo_t *cr;
  double y;
} Pen;

static void
pen_font (Pen        *pen,
          const char *family,
          gboolean    bold,
          double      size)
{
  cairo_select_font_face (pen->cr, family, CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (pen->cr, size);
}

/* Moves to the next line, starting a new page when this one is full. */
static void
pen_newline (Pen    *pen,
             double  height)
{
  pen->y += height;
  if (pen->y > PAGE_HEIGHT - MARGIN)
    {
      cairo_show_page (pen->cr);
      pen->y = MARGIN + height;
    }
}

/* Shows @text at @x, shortened with an ellipsis where it would cross the right margin. */
static void
pen_text (Pen        *pen,
          double      x,
          const char *text)
{
  g_autofree char *shown = g_strdup (text);
  cairo_text_extents_t extents;
  double room = PAGE_WIDTH - MARGIN - x;

  cairo_text_extents (pen->cr, shown, &extents);
  while (extents.x_advance > room && *shown)
    {
      char *last = g_utf8_find_prev_char (shown, shown + strlen (shown));
      g_autofree char *cut = NULL;

      if (last == NULL)
        break;
      *last = '\0';
      cut = g_strconcat (shown, "…", NULL);
      cairo_text_extents (pen->cr, cut, &extents);
      if (extents.x_advance <= room)
        {
          g_free (shown);
          shown = g_steal_pointer (&cut);
        }
    }
  cairo_move_to (pen->cr, x, pen->y);
  cairo_show_text (pen->cr, shown);
}

/**
 * lq_pq_sheet_make_pdf:
 * @info: (nullable): master ID, image checksum, source
 *
 * Returns: (transfer full) (nullable): the PQ sheet as an A4 PDF document
 */
GBytes *
lq_pq_sheet_make_pdf (const LqCdDisc       *disc,
                      const LqPqSheetInfo  *info,
                      GError              **error)
{
  GByteArray *pdf = g_byte_array_new ();
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) cdtext = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  Pen pen = { NULL, MARGIN };
  static const double columns[] = { 0, 30, 60, 125, 190, 280 };

  g_return_val_if_fail (disc != NULL, NULL);

  header = make_header (disc, info);
  rows = make_rows (disc, labels);
  cdtext = make_cdtext_rows (disc);

  surface = cairo_pdf_surface_create_for_stream (append_bytes, pdf, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("PQ sheet"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_STRING);
  pen.cr = cairo_create (surface);
  cairo_set_source_rgb (pen.cr, 0, 0, 0);

  pen_font (&pen, "Sans", TRUE, 16);
  pen_newline (&pen, 16);
  pen_text (&pen, MARGIN, _("PQ sheet"));
  pen_newline (&pen, 10);

  for (guint i = 0; i + 1 < header->len; i += 2)
    {
      pen_newline (&pen, LINE);
      pen_font (&pen, "Sans", TRUE, 9);
      pen_text (&pen, MARGIN, header->pdata[i]);
      pen_font (&pen, "Sans", FALSE, 9);
      pen_text (&pen, MARGIN + 90, header->pdata[i + 1]);
    }

  pen_newline (&pen, 2 * LINE);
  pen_font (&pen, "Sans", TRUE, 9);
  {
    const char *titles[] = { _("Trk"), _("Idx"), _("Start"), _("Length"), _("ISRC"), _("Title — Performer") };

    for (guint c = 0; c < G_N_ELEMENTS (titles); c++)
      pen_text (&pen, MARGIN + columns[c], titles[c]);
  }
  cairo_set_line_width (pen.cr, 0.5);
  cairo_move_to (pen.cr, MARGIN, pen.y + 3);
  cairo_line_to (pen.cr, PAGE_WIDTH - MARGIN, pen.y + 3);
  cairo_stroke (pen.cr);

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      g_autofree char *index = g_strdup_printf ("%02u", row->index);
      g_autofree char *at = msf (row->at);
      g_autofree char *length = row->length != G_MAXUINT64 ? msf (row->length) : g_strdup ("");

      pen_newline (&pen, LINE);
      pen_font (&pen, "Monospace", row->index == 1, 9);
      pen_text (&pen, MARGIN + columns[0], row->track);
      pen_text (&pen, MARGIN + columns[1], index);
      pen_text (&pen, MARGIN + columns[2], at);
      pen_text (&pen, MARGIN + columns[3], length);
      pen_text (&pen, MARGIN + columns[4], row->isrc != NULL && row->index == 1 ? row->isrc : "");
      pen_font (&pen, "Sans", FALSE, 9);
      pen_text (&pen, MARGIN + columns[5], row->label);
    }
  pen_newline (&pen, 1.5 * LINE);
  pen_font (&pen, "Sans", FALSE, 7.5);
  pen_text (&pen, MARGIN, _("Times are absolute (mm:ss:ff, 75 frames a second) from the start of the image;"));
  pen_newline (&pen, LINE * 0.8);
  pen_text (&pen, MARGIN, _("a track’s length runs from its index 01 to the next track’s index 01."));

  if (cdtext->len > 0)
    {
      pen_newline (&pen, 2 * LINE);
      pen_font (&pen, "Sans", TRUE, 11);
      pen_text (&pen, MARGIN, _("CD-Text"));
      pen_font (&pen, "Sans", FALSE, 9);
      for (guint i = 0; i + 2 < cdtext->len; i += 3)
        {
          pen_newline (&pen, LINE);
          pen_text (&pen, MARGIN, cdtext->pdata[i]);
          pen_text (&pen, MARGIN + 60, cdtext->pdata[i + 1]);
          pen_text (&pen, MARGIN + 130, cdtext->pdata[i + 2]);
        }
    }

  cairo_show_page (pen.cr);
  cairo_destroy (pen.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw the PQ sheet: %s"),
                   cairo_status_to_string (status));
      g_byte_array_unref (pdf);
      return NULL;
    }
  return g_byte_array_free_to_bytes (pdf);
}
