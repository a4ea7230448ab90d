/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cue"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-cue.h"
#include "lq-ddp.h"
#include "lq-engine-error.h"


static const char *
cdtext (const LqCdDisc *disc,
        guint           track,
        LqCdTextField   field)
{
  return disc->cdtext != NULL ? lq_cdtext_get (disc->cdtext, track, field) : NULL;
}

/* A CUE string: quoted, with double quotes turned into single ones (CUE has no escape). */
static void
append_cue_string (GString    *s,
                   const char *indent,
                   const char *keyword,
                   const char *text)
{
  g_autofree char *clean = NULL;

  if (text == NULL)
    return;
  clean = g_strdup (text);
  g_strdelimit (clean, "\"", '\'');
  g_strdelimit (clean, "\r\n\t", ' ');
  g_string_append_printf (s, "%s%s \"%s\"\n", indent, keyword, clean);
}

static void
append_msf (GString    *s,
            const char *prefix,
            guint64     frames)
{
  g_autofree char *msf = lq_redbook_format_msf (frames);

  g_string_append_printf (s, "%s%s\n", prefix, msf);
}

/**
 * lq_cue_format_cue:
 * @audio_file: the audio file's name, as the sheet refers to it
 *
 * Returns: (transfer full): the CUE sheet
 */
char *
lq_cue_format_cue (const LqCdDisc *disc,
                   const char     *audio_file,
                   LqCueAudio      audio)
{
  GString *s = g_string_new (NULL);
  char ean[14];

  g_return_val_if_fail (disc != NULL, NULL);
  g_return_val_if_fail (audio_file != NULL, NULL);

  g_string_append_printf (s, "REM COMMENT \"%s\"\n", PACKAGE_STRING);
  if (disc->upc != NULL && lq_redbook_normalize_catalog (disc->upc, ean, NULL))
    g_string_append_printf (s, "CATALOG %s\n", ean);
  append_cue_string (s, "", "PERFORMER", cdtext (disc, 0, LQ_CDTEXT_PERFORMER));
  append_cue_string (s, "", "TITLE", cdtext (disc, 0, LQ_CDTEXT_TITLE));
  append_cue_string (s, "", "SONGWRITER", cdtext (disc, 0, LQ_CDTEXT_SONGWRITER));
  append_cue_string (s, "", "FILE", audio_file);
  g_string_truncate (s, s->len - 1);
  g_string_append (s, audio == LQ_CUE_AUDIO_WAV ? " WAVE\n" : " BINARY\n");

  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];

      g_string_append_printf (s, "  TRACK %02u AUDIO\n", t->number);
      append_cue_string (s, "    ", "TITLE", cdtext (disc, t->number, LQ_CDTEXT_TITLE));
      append_cue_string (s, "    ", "PERFORMER", cdtext (disc, t->number, LQ_CDTEXT_PERFORMER));
      append_cue_string (s, "    ", "SONGWRITER", cdtext (disc, t->number, LQ_CDTEXT_SONGWRITER));
      if (t->isrc != NULL && lq_redbook_check_isrc (t->isrc, NULL))
        g_string_append_printf (s, "    ISRC %s\n", t->isrc);
      if (t->control & 0x3)
        g_string_append_printf (s, "    FLAGS%s%s\n", t->control & 0x2 ? " DCP" : "", t->control & 0x1 ? " PRE" : "");
      if (t->index0 < t->start)
        append_msf (s, "    INDEX 00 ", t->index0);
      append_msf (s, "    INDEX 01 ", t->start);
      for (guint k = 0; k < t->n_indexes; k++)
        {
          g_autofree char *prefix = g_strdup_printf ("    INDEX %02u ", k + 2);

          append_msf (s, prefix, t->indexes[k]);
        }
    }
  return g_string_free (s, FALSE);
}

/* A TOC string: ASCII, with ISO 8859-1 characters, quotes and backslashes as octal escapes
 * (cdrdao stores the bytes as they are, and CD-Text is ISO 8859-1). */
static void
append_toc_string (GString    *s,
                   const char *indent,
                   const char *keyword,
                   const char *text)
{
  if (text == NULL)
    return;
  g_string_append_printf (s, "%s%s \"", indent, keyword);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
        g_string_append_c (s, (char) c);
      else if (c <= 0xFF)
        g_string_append_printf (s, "\\%03o", c);
      else
        g_string_append_c (s, '?'); /* unreachable after the checks: CD-Text is ISO 8859-1 */
    }
  g_string_append (s, "\"\n");
}

/* A file name in a TOC: its bytes as they are (cdrdao opens exactly these), with quotes and
 * backslashes escaped. */
static void
append_toc_file (GString    *s,
                 const char *name)
{
  g_string_append (s, "FILE \"");
  for (const char *p = name; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

static void
append_toc_cdtext (GString        *s,
                   const LqCdDisc *disc,
                   guint           track,
                   const char     *indent)
{
  static const struct { LqCdTextField field; const char *keyword; } fields[] = {
    { LQ_CDTEXT_TITLE, "TITLE" }, { LQ_CDTEXT_PERFORMER, "PERFORMER" },
    { LQ_CDTEXT_SONGWRITER, "SONGWRITER" }, { LQ_CDTEXT_COMPOSER, "COMPOSER" },
    { LQ_CDTEXT_ARRANGER, "ARRANGER" }, { LQ_CDTEXT_MESSAGE, "MESSAGE" },
  };
  g_autofree char *inner = g_strconcat (indent, "    ", NULL);

  g_string_append_printf (s, "%sCD_TEXT {\n", indent);
  if (track == 0)
    g_string_append_printf (s, "%s  LANGUAGE_MAP {\n%s    0 : EN\n%s  }\n", indent, indent, indent);
  g_string_append_printf (s, "%s  LANGUAGE 0 {\n", indent);
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    append_toc_string (s, inner, fields[f].keyword, cdtext (disc, track, fields[f].field));
  g_string_append_printf (s, "%s  }\n%s}\n", indent, indent);
}

/**
 * lq_cue_format_toc:
 * @audio_file: the audio file's name, as the TOC refers to it
 *
 * Returns: (transfer full): the cdrdao TOC file
 */
char *
lq_cue_format_toc (const LqCdDisc *disc,
                   const char     *audio_file,
                   LqCueAudio      audio)
{
  GString *s = g_string_new (NULL);
  char ean[14];

  g_return_val_if_fail (disc != NULL, NULL);
  g_return_val_if_fail (audio_file != NULL, NULL);

  g_string_append_printf (s, "// %s\nCD_DA\n\n", PACKAGE_STRING);
  if (disc->upc != NULL && lq_redbook_normalize_catalog (disc->upc, ean, NULL))
    g_string_append_printf (s, "CATALOG \"%s\"\n\n", ean);
  if (disc->cdtext != NULL)
    {
      append_toc_cdtext (s, disc, 0, "");
      g_string_append_c (s, '\n');
    }

  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];
      guint64 from = i == 0 ? 0 : t->index0;
      guint64 to = lq_cd_disc_get_track_end (disc, i);
      g_autofree char *from_msf = lq_redbook_format_msf (from);
      g_autofree char *length_msf = lq_redbook_format_msf (to - from);

      g_string_append_printf (s, "// Track %u\nTRACK AUDIO\n", t->number);
      g_string_append (s, t->control & 0x2 ? "COPY\n" : "NO COPY\n");
      g_string_append (s, t->control & 0x1 ? "PRE_EMPHASIS\n" : "NO PRE_EMPHASIS\n");
      g_string_append (s, "TWO_CHANNEL_AUDIO\n");
      if (t->isrc != NULL && lq_redbook_check_isrc (t->isrc, NULL))
        g_string_append_printf (s, "ISRC \"%s\"\n", t->isrc);
      if (disc->cdtext != NULL)
        append_toc_cdtext (s, disc, t->number, "");
      append_toc_file (s, audio_file);
      g_string_append_printf (s, "%s %s %s\n", audio == LQ_CUE_AUDIO_BIN ? " SWAP" : "", from_msf, length_msf);
      if (t->start > from)
        append_msf (s, "START ", t->start - from);
      for (guint k = 0; k < t->n_indexes; k++)
        append_msf (s, "INDEX ", t->indexes[k] - t->start);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/**
 * lq_cue_default_name:
 *
 * Returns: (transfer full): a file name from the album title, in ASCII (accents dropped, as
 *   burning programs on other systems may read CUE and TOC files in another encoding), with
 *   characters that are not allowed in file names replaced; "album" without a title
 */
char *
lq_cue_default_name (const LqCdDisc *disc)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (disc != NULL, NULL);

  name = g_strstrip (g_str_to_ascii (disc->title != NULL ? disc->title : "", "C"));
  g_strdelimit (name, "/\\:*?\"<>|", '_');
  for (char *p = name; *p; p++)
    if ((guchar) *p < 0x20)
      *p = '_';
  if (*name == '\0' || *name == '.')
    return g_strdup ("album");
  return g_steal_pointer (&name);
}

void
lq_cue_options_init (LqCueOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  lq_redbook_limits_init (&options->limits);
  options->audio = LQ_CUE_AUDIO_WAV;
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  p[0] = v & 0xFF;
  p[1] = (v >> 8) & 0xFF;
  p[2] = (v >> 16) & 0xFF;
  p[3] = v >> 24;
}

/* The 44-byte header of a 16-bit stereo 44.1 kHz PCM WAVE file. */
static void
wav_header (guint8  *h,
            guint64  frames)
{
  guint32 data = (guint32) (frames * 4);

  memcpy (h, "RIFF", 4);
  put_u32 (h + 4, 36 + data);
  memcpy (h + 8, "WAVEfmt ", 8);
  put_u32 (h + 16, 16);
  h[20] = 1; h[21] = 0;                       /* PCM */
  h[22] = 2; h[23] = 0;                       /* stereo */
  put_u32 (h + 24, LQ_CD_RATE);
  put_u32 (h + 28, LQ_CD_RATE * 4);
  h[32] = 4; h[33] = 0;                       /* block align */
  h[34] = 16; h[35] = 0;                      /* bits */
  memcpy (h + 36, "data", 4);
  put_u32 (h + 40, data);
}

typedef struct
{
  LqRenderProgressFunc func;
  gpointer data;
  double from;
} Progress;

static void
prerender_progress (double   fraction,
                    gpointer data)
{
  Progress *p = data;

  if (p->func != NULL)
    p->func (0.5 * fraction, p->data);
}

static gboolean
write_audio (LqCdRender      *render,
             LqOutputFolder  *out,
             const char      *name,
             LqCueAudio       audio,
             GCancellable    *cancellable,
             Progress        *progress,
             GError         **error)
{
  LqOutputFile *file;
  guint64 total = lq_cd_render_get_frames (render), done = 0;

  file = lq_output_folder_create (out, name, error);
  if (file == NULL)
    return FALSE;
  if (audio == LQ_CUE_AUDIO_WAV)
    {
      guint8 header[44];

      if (total * 4 + 36 > G_MAXUINT32)
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                       _("The album is too long for a WAV file (over 4 GiB)"));
          return FALSE;
        }
      wav_header (header, total);
      if (!lq_output_file_write (file, header, sizeof header, error))
        return FALSE;
    }
  while (done < total)
    {
      gssize n = lq_cd_render_write (render, file, cancellable, error);

      if (n < 0)
        return FALSE;
      g_assert (n > 0);
      done += n;
      if (progress->func != NULL)
        progress->func (progress->from + (0.97 - progress->from) * done / total, progress->data);
    }
  return lq_output_file_close (file, error);
}

/**
 * lq_cue_export:
 * @folder: the folder to make (it must not exist, or be empty, unless @options->overwrite)
 * @options: (nullable): %NULL for the defaults (lq_cue_options_init())
 * @progress: (nullable): called from this thread with the fraction done
 *
 * Checks the Red Book rules (any error: nothing is written), then writes NAME.wav (or
 * NAME.bin), NAME.cue and NAME.toc into @folder, which appears only when all three are
 * complete.
 */
gboolean
lq_cue_export (LqProject             *project,
               GFile                 *folder,
               const LqCueOptions    *options,
               GCancellable          *cancellable,
               LqRenderProgressFunc   progress,
               gpointer               progress_data,
               GError               **error)
{
  LqCueOptions defaults;
  g_autoptr(GPtrArray) local_issues = NULL;
  GPtrArray *issues;
  g_autoptr(LqCdDisc) disc = NULL;
  g_autoptr(LqOutputFolder) out = NULL;
  g_autoptr(LqCdRender) render = NULL;
  g_autoptr(GFile) scratch = NULL;
  g_autofree char *name = NULL;
  g_autofree char *audio_name = NULL;
  g_autofree char *cue_name = NULL;
  g_autofree char *toc_name = NULL;
  g_autofree char *cue = NULL;
  g_autofree char *toc = NULL;
  Progress p = { progress, progress_data, 0.0 };

  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  if (options == NULL)
    {
      lq_cue_options_init (&defaults);
      options = &defaults;
    }
  issues = options->issues;
  if (issues == NULL)
    issues = local_issues = lq_redbook_issues_new ();

  disc = lq_cd_disc_new_from_project (project, issues);
  lq_redbook_check_disc (disc, &options->limits, issues);
  if (!lq_redbook_issues_to_error (issues, error))
    return FALSE;

  name = options->name != NULL ? g_strdup (options->name) : lq_cue_default_name (disc);
  if (*name == '\0' || strpbrk (name, "/\"\n\r\t") != NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” cannot be used as a file name"), name);
      return FALSE;
    }
  audio_name = g_strconcat (name, options->audio == LQ_CUE_AUDIO_WAV ? ".wav" : ".bin", NULL);
  cue_name = g_strconcat (name, ".cue", NULL);
  toc_name = g_strconcat (name, ".toc", NULL);
  cue = lq_cue_format_cue (disc, audio_name, options->audio);
  toc = lq_cue_format_toc (disc, audio_name, options->audio);

  out = lq_output_folder_new (folder, options->overwrite, error);
  if (out == NULL)
    return FALSE;
  scratch = g_file_new_for_path (lq_output_folder_get_path (out));
  if (lq_project_get_rate (project) != LQ_CD_RATE)
    p.from = 0.5;
  render = lq_cd_render_new (project, scratch, cancellable, prerender_progress, &p, error);
  if (render == NULL)
    return FALSE;
  if (lq_cd_render_get_frames (render) != disc->length * LQ_CD_FRAME_SAMPLES)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   "The CD audio has %" G_GUINT64_FORMAT " frames, but the disc %" G_GUINT64_FORMAT,
                   lq_cd_render_get_frames (render), disc->length * LQ_CD_FRAME_SAMPLES);
      return FALSE;
    }
  if (!write_audio (render, out, audio_name, options->audio, cancellable, &p, error))
    return FALSE;
  g_clear_pointer (&render, lq_cd_render_free);
  if (!lq_output_folder_write_file (out, cue_name, cue, strlen (cue), error)
      || !lq_output_folder_write_file (out, toc_name, toc, strlen (toc), error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!lq_output_folder_commit (out, error))
    return FALSE;
  if (progress != NULL)
    progress (1.0, progress_data);
  return TRUE;
}
