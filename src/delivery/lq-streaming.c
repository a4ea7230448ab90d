/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-streaming"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lq-album-reader.h"
#include "lq-decoder.h"
#include "lq-dither.h"
#include "lq-engine-error.h"
#include "lq-gst-loudness.h"
#include "lq-redbook.h"
#include "lq-streaming.h"

#define BLOCK_FRAMES 65536
#define CHANNELS 2
#define ALBUM_TEMP_NAME ".album.f32.wav"
/* The share of the progress bar taken by rendering and writing; the rest is verification. */
#define WRITE_SHARE 0.85

static const guint allowed_rates[] = { 44100, 48000, 88200, 96000 };

/* Where the album's samples come from: the album reader at the album's rate, or a decoder
 * over the album rendered and resampled into a temporary file. */
typedef struct
{
  LqAlbumReader *reader;
  LqDecoder *decoder;
} Source;

static gssize
source_read (Source        *source,
             float         *frames,
             gsize          max,
             GCancellable  *cancellable,
             GError       **error)
{
  if (source->reader != NULL)
    return lq_album_reader_read (source->reader, frames, max, cancellable, error);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  return lq_decoder_read (source->decoder, frames, max, error);
}

/* Float to integer PCM: 24 bit rounded to the nearest code, 16 bit through the TPDF dither
 * (lq-dither, flat), one state for the whole album so the files join without a seam. */
typedef struct
{
  guint bits;
  LqDither *dither;       /* 16 bit only */
} Quantizer;

static gboolean
quantizer_init (Quantizer  *q,
                guint       bits,
                guint       rate,
                guint64     seed,
                GError    **error)
{
  q->bits = bits;
  q->dither = NULL;
  if (bits < 24)
    {
      q->dither = lq_dither_new (rate, CHANNELS);
      if (q->dither == NULL)
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                       _("Cannot dither to %u bits at %u Hz"), bits, rate);
          return FALSE;
        }
      lq_dither_set_bits (q->dither, bits);
      lq_dither_set_shape (q->dither, LQ_DITHER_SHAPE_NONE);
      lq_dither_set_seed (q->dither, seed);
    }
  return TRUE;
}

static void
quantizer_clear (Quantizer *q)
{
  g_clear_pointer (&q->dither, lq_dither_free);
}

static void
quantizer_process (Quantizer   *q,
                   const float *in,
                   gint32      *out,
                   gsize        frames)
{
  double scale = (double) (1u << (q->bits - 1));
  double max = scale - 1.0;

  if (q->dither != NULL)
    {
      lq_dither_process_s32 (q->dither, in, out, frames);
      return;
    }
  for (gsize i = 0; i < frames * CHANNELS; i++)
    {
      double x = isfinite (in[i]) ? (double) in[i] * scale : 0.0;

      out[i] = (gint32) CLAMP (nearbyint (x), -scale, max);
    }
}

/**
 * lq_streaming_options_init:
 * @preset: the delivery preset
 *
 * Fills @options with the defaults: FLAC, 24 bit, the album's rate, no year, tolerance
 * LQ_REPORT_DEFAULT_TOLERANCE_LU, crossfades to the earlier track, the project as it is.
 */
void
lq_streaming_options_init (LqStreamingOptions *options,
                           const LqPreset     *preset)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (preset != NULL);

  memset (options, 0, sizeof *options);
  options->preset = *preset;
  options->format = LQ_AUDIO_FILE_FLAC;
  options->bits = 24;
  options->rate = 0;
  options->tolerance_lu = LQ_REPORT_DEFAULT_TOLERANCE_LU;
  options->split = LQ_STREAMING_SPLIT_AFTER_CROSSFADE;
  options->apply_preset = FALSE;
  options->dither_seed = LQ_DITHER_SEED_DEFAULT;
}

static gboolean
rate_allowed (guint rate)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_rates); i++)
    if (allowed_rates[i] == rate)
      return TRUE;
  return FALSE;
}

/**
 * lq_streaming_check_options:
 *
 * Returns: %TRUE when @options can be exported from @project; otherwise %FALSE with a
 *   LQ_ENGINE_ERROR_INVALID error saying what to change
 */
gboolean
lq_streaming_check_options (const LqStreamingOptions  *options,
                            LqProject                 *project,
                            GError                   **error)
{
  guint rate;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (LQ_IS_PROJECT (project), FALSE);

  if (options->bits != 16 && options->bits != 24)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("Streaming files are 16 or 24 bit, not %u"), options->bits);
      return FALSE;
    }
  rate = options->rate ? options->rate : lq_project_get_rate (project);
  if (!rate_allowed (rate))
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   options->rate ? _("Streaming files are 44100, 48000, 88200 or 96000 Hz, not %u Hz")
                                 : _("The album runs at %u Hz; choose a rate for the files: 44100, 48000, 88200 or 96000 Hz"),
                   rate);
      return FALSE;
    }
  if (!(options->tolerance_lu >= 0.0) || !isfinite (options->preset.target_lufs)
      || !isfinite (options->preset.ceiling_dbtp) || options->preset.ceiling_dbtp > 0.0)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                   _("The preset needs a finite target, a ceiling at or below 0 dBTP and a positive tolerance"));
      return FALSE;
    }
  return TRUE;
}

/* Where track @i's file begins on the album (see the top of lq-streaming.h). */
static guint64
cut_point (const LqSequence *seq,
           LqStreamingSplit  split,
           guint             i)
{
  guint64 cut = 0;

  for (guint k = 0; k <= i; k++)
    {
      const LqPlacement *p = &seq->placements[k];
      guint64 here = p->start;

      if (k > 0 && split == LQ_STREAMING_SPLIT_AFTER_CROSSFADE)
        here += p->overlap_in;
      cut = MAX (cut, MIN (here, seq->length));
    }
  return cut;
}

/**
 * lq_streaming_get_span:
 * @placement: a placement of @sequence
 * @from: (out): the first album sample of its file
 * @to: (out): the album sample after its file's last
 *
 * The part of the album (samples at the album's rate) that placement @placement's file holds.
 */
void
lq_streaming_get_span (const LqSequence *sequence,
                       LqStreamingSplit  split,
                       guint             placement,
                       guint64          *from,
                       guint64          *to)
{
  g_return_if_fail (sequence != NULL);
  g_return_if_fail (placement < sequence->n_placements);

  *from = cut_point (sequence, split, placement);
  *to = placement + 1 < sequence->n_placements ? cut_point (sequence, split, placement + 1) : sequence->length;
}

/**
 * lq_streaming_file_name:
 * @number: the track's number
 * @n_tracks: tracks on the album (three digits from 100)
 * @title: (nullable): its title
 *
 * Returns: (transfer full): "NN Title.flac", safe on every common file system
 */
char *
lq_streaming_file_name (guint              number,
                        guint              n_tracks,
                        const char        *title,
                        LqAudioFileFormat  format)
{
  GString *name = g_string_new (NULL);
  const char *p;

  g_string_printf (name, n_tracks >= 100 ? "%03u " : "%02u ", number);
  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    title = "";
  for (p = title; *p == ' ' || *p == '.'; p++)
    ;
  for (; *p != '\0' && name->len < 160; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", (int) c) != NULL)
        g_string_append_c (name, '_');
      else
        g_string_append_unichar (name, c);
    }
  while (name->len > 0 && (name->str[name->len - 1] == ' ' || name->str[name->len - 1] == '.'))
    g_string_truncate (name, name->len - 1);
  if (name->len <= 3)
    g_string_append_printf (name, " Track %u", number);
  g_string_append_printf (name, ".%s", lq_audio_file_format_to_extension (format));
  return g_string_free (name, FALSE);
}

/* ---- level matching on the files ---- */

/* Integrated loudness of every file's span of the album (at the album's rate), and of them all
 * as one programme in @album_out. */
static double *
measure_spans (LqProject         *project,
               LqStreamingSplit   split,
               double            *album_out,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(LqAlbumReader) reader = lq_album_reader_new (project, error);
  g_autofree float *block = NULL;
  g_autofree double *lufs = NULL;
  g_autofree LqLoudnessMeter **meters = NULL;
  g_autofree guint64 *from = NULL;
  g_autofree guint64 *to = NULL;
  const LqSequence *seq;
  guint64 position = 0;
  gboolean ok = TRUE;
  guint n;

  if (reader == NULL)
    return NULL;
  seq = lq_album_reader_get_sequence (reader);
  n = seq->n_placements;
  meters = g_new0 (LqLoudnessMeter *, n);
  from = g_new (guint64, n);
  to = g_new (guint64, n);
  for (guint i = 0; i < n; i++)
    {
      lq_streaming_get_span (seq, split, i, &from[i], &to[i]);
      meters[i] = lq_loudness_meter_new (CHANNELS, seq->rate, LQ_TRUEPEAK_FILTER_BS1770);
    }
  block = g_new (float, BLOCK_FRAMES * CHANNELS);
  while (ok)
    {
      gssize got = lq_album_reader_read (reader, block, BLOCK_FRAMES, cancellable, error);

      if (got <= 0)
        {
          ok = got == 0;
          break;
        }
      for (guint i = 0; i < n; i++)
        {
          guint64 a = MAX (position, from[i]);
          guint64 b = MIN (position + got, to[i]);

          if (a < b)
            lq_loudness_meter_add (meters[i], block + (a - position) * CHANNELS, b - a);
        }
      position += got;
    }
  lufs = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      LqLoudnessValues v;

      lq_loudness_meter_get (meters[i], &v, FALSE);
      lufs[i] = v.integrated;
    }
  *album_out = lq_loudness_meter_integrated_multiple (meters, n);
  for (guint i = 0; i < n; i++)
    lq_loudness_meter_free (meters[i]);
  return ok ? g_steal_pointer (&lufs) : NULL;
}

/* lq_level_match() measures each track without the parts it shares with its neighbours, but a
 * service measures the whole file, crossfade and trailing pause included. This corrects the
 * tracks' match gains until the files as cut land on the preset's target: each file with track
 * normalization, all of them as one programme with album normalization (a few rounds, as the
 * gains of neighbours meet in a crossfade and the master limiter reacts). */
static gboolean
match_files (LqProject                 *project,
             const LqStreamingOptions  *options,
             GCancellable              *cancellable,
             GError                   **error)
{
  g_autoptr(LqSequence) seq = lq_sequence_new (project);
  gboolean album = options->preset.normalization == LQ_PRESET_NORMALIZE_ALBUM;
  double target = options->preset.target_lufs;

  for (guint round = 0; round < 3; round++)
    {
      double album_lufs = -INFINITY, worst = 0.0;
      g_autofree double *lufs = measure_spans (project, options->split, &album_lufs, cancellable, error);

      if (lufs == NULL)
        return FALSE;
      for (guint i = 0; i < seq->n_placements; i++)
        {
          LqTrack *track = seq->placements[i].track;
          double measured = album ? album_lufs : lufs[i];
          double gain;

          if (!isfinite (measured))
            continue;
          worst = MAX (worst, fabs (target - measured));
          gain = lq_track_get_match_gain (track) + target - measured;
          lq_track_set_match_gain (track, CLAMP (gain, -96.0, 24.0));
        }
      if (worst < 0.05)
        break;
    }
  return TRUE;
}

/* ---- the output folder ---- */

/* Deletes the temporary folder and whatever is in it (only what this export wrote). */
static void
remove_temp_dir (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = NULL;

  if (dir == NULL)
    return;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, NULL) || info == NULL)
        break;
      g_file_delete (child, NULL, NULL);
    }
  g_file_delete (dir, NULL, NULL);
}

static void
set_write_error (GError     **error,
                 GFile       *file,
                 int          errsv)
{
  g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE, _("Cannot write into “%s”: %s"),
               g_file_peek_path (file), g_strerror (errsv));
}

/* Creates the hidden folder everything is written into first: inside @folder when it exists,
 * beside it when it does not. */
static GFile *
make_temp_dir (GFile     *folder,
               gboolean  *inside,
               GError   **error)
{
  GFileType type = g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL);
  g_autofree char *template = NULL;

  if (type == G_FILE_TYPE_DIRECTORY)
    {
      *inside = TRUE;
      template = g_build_filename (g_file_peek_path (folder), ".lacquer-export-XXXXXX", NULL);
    }
  else if (type == G_FILE_TYPE_UNKNOWN)
    {
      g_autoptr(GFile) parent = g_file_get_parent (folder);
      g_autofree char *base = g_file_get_basename (folder);
      g_autofree char *name = g_strdup_printf (".%s.lacquer-export-XXXXXX", base);

      *inside = FALSE;
      if (parent == NULL || g_file_query_file_type (parent, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE,
                       _("Cannot write into “%s”: its parent folder does not exist"), g_file_peek_path (folder));
          return NULL;
        }
      template = g_build_filename (g_file_peek_path (parent), name, NULL);
    }
  else
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE,
                   _("Cannot write into “%s”: it is not a folder"), g_file_peek_path (folder));
      return NULL;
    }
  if (g_mkdtemp_full (template, 0755) == NULL)
    {
      set_write_error (error, folder, errno);
      return NULL;
    }
  return g_file_new_for_path (template);
}

/* Moves the finished files from @temp into @folder: the folder itself is renamed into place
 * when it did not exist, otherwise file by file with the report last; on a failure the files
 * already moved are taken away again. */
static gboolean
commit_files (GFile      *temp,
              GFile      *folder,
              gboolean    inside,
              GPtrArray  *names,
              GError    **error)
{
  if (!inside)
    {
      int errsv;

      if (g_rename (g_file_peek_path (temp), g_file_peek_path (folder)) == 0)
        return TRUE;
      errsv = errno;
      if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
        {
          set_write_error (error, folder, errsv);
          return FALSE;
        }
      /* The folder appeared meanwhile: move the files into it. */
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GFile) from = g_file_get_child (temp, g_ptr_array_index (names, i));
      g_autoptr(GFile) to = g_file_get_child (folder, g_ptr_array_index (names, i));

      if (g_rename (g_file_peek_path (from), g_file_peek_path (to)) != 0)
        {
          int errsv = errno;

          set_write_error (error, folder, errsv);
          for (guint k = 0; k < i; k++)
            {
              g_autoptr(GFile) moved = g_file_get_child (folder, g_ptr_array_index (names, k));

              g_file_delete (moved, NULL, NULL);
            }
          return FALSE;
        }
    }
  g_file_delete (temp, NULL, NULL);
  return TRUE;
}

static gboolean
write_text_file (GFile       *dir,
                 const char  *name,
                 const char  *text,
                 GError     **error)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);

  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, error);
}

/* ---- tags ---- */

static char *
track_title (LqTrack *track)
{
  const char *title = lq_track_get_title (track);
  g_autofree char *base = NULL;
  char *dot;

  if (title != NULL && title[0] != '\0')
    return g_strdup (title);
  if (lq_track_get_file (track) == NULL)
    return g_strdup ("");
  base = g_file_get_basename (lq_track_get_file (track));
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

/* ---- the export ---- */

typedef struct
{
  LqProject *project;
  const LqStreamingOptions *options;
  const LqSequence *seq;
  guint rate;              /* the files' rate */
  guint album_rate;
  GFile *temp;             /* the temporary folder */
  GPtrArray *names;        /* file names written into it, in album order */
  guint64 *from;           /* per placement: first frame of its file at the files' rate */
  guint64 *to;             /* per placement: frame after its last */
  GCancellable *cancellable;
  LqRenderProgressFunc progress;
  gpointer progress_data;
  double write_from;       /* where writing the files starts on the progress bar */
} Export;

/* The album render's progress, shown as the first part of the writing phase. */
static void
render_progress_cb (double   fraction,
                    gpointer user_data)
{
  Export *ex = user_data;

  ex->progress (ex->write_from * fraction, ex->progress_data);
}

static guint64
scale_position (guint64 position,
                guint   rate,
                guint   album_rate)
{
  /* The same rounding as lq_render_album()'s resampled length. */
  return (position * rate + album_rate / 2) / album_rate;
}

/* Writes every track's file from @source. */
static gboolean
write_files (Export   *ex,
             Source   *source,
             GError  **error)
{
  const LqSequence *seq = ex->seq;
  g_autofree float *block = g_new (float, BLOCK_FRAMES * CHANNELS);
  g_autofree gint32 *pcm = g_new (gint32, BLOCK_FRAMES * CHANNELS);
  Quantizer q;
  guint64 position = 0;
  guint64 total = ex->to[seq->n_placements - 1];
  gboolean ok = TRUE;

  if (!quantizer_init (&q, ex->options->bits, ex->rate, ex->options->dither_seed, error))
    return FALSE;

  for (guint i = 0; i < seq->n_placements && ok; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      g_autofree char *title = track_title (p->track);
      g_autofree char *composer = NULL;
      g_autofree char *genre = NULL;
      g_autofree char *name = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(LqFlacWriter) writer = NULL;
      LqTrackTags tags = { 0 };

      g_object_get (p->track, "composer", &composer, NULL);
      g_object_get (ex->project, "genre", &genre, NULL);
      tags.title = title;
      tags.artist = lq_track_get_performer (p->track) && *lq_track_get_performer (p->track)
                      ? lq_track_get_performer (p->track) : lq_project_get_artist (ex->project);
      tags.album = lq_project_get_title (ex->project);
      tags.album_artist = lq_project_get_artist (ex->project);
      tags.composer = composer;
      tags.genre = genre;
      tags.isrc = lq_track_get_isrc (p->track);
      tags.year = ex->options->year;
      tags.track_number = p->number;
      tags.track_count = seq->n_placements;

      name = lq_streaming_file_name (p->number, seq->n_placements, title, ex->options->format);
      file = g_file_get_child (ex->temp, name);
      writer = lq_flac_writer_new (file, ex->options->format, CHANNELS, ex->rate, ex->options->bits, &tags, error);
      if (writer == NULL)
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_add (ex->names, g_strdup (name));

      while (position < ex->to[i])
        {
          gsize want = MIN ((guint64) BLOCK_FRAMES, ex->to[i] - position);
          gssize n = source_read (source, block, want, ex->cancellable, error);
          gsize skip = 0;

          if (n < 0)
            {
              ok = FALSE;
              break;
            }
          if (n == 0) /* the source ended early: silence, as lq_render_album() does */
            {
              memset (block, 0, want * CHANNELS * sizeof (float));
              n = want;
            }
          /* The first track's pause is not exported, but it runs through the dither so the
           * files are the same whichever part of the album they start from. */
          quantizer_process (&q, block, pcm, n);
          if (position < ex->from[i])
            skip = MIN ((guint64) n, ex->from[i] - position);
          if (!lq_flac_writer_write (writer, pcm + skip * CHANNELS, n - skip, ex->cancellable, error))
            {
              ok = FALSE;
              break;
            }
          position += n;
          if (ex->progress != NULL)
            ex->progress (ex->write_from + (WRITE_SHARE - ex->write_from) * position / MAX (total, 1),
                          ex->progress_data);
        }
      if (ok)
        ok = lq_flac_writer_finish (writer, ex->cancellable, error);
    }
  quantizer_clear (&q);
  return ok;
}

/* Renders the album, resampled when the files' rate is not the album's, and writes the files. */
static gboolean
render_and_write (Export  *ex,
                  GError **error)
{
  Source source = { NULL, NULL };
  gboolean ok;

  if (ex->rate == ex->album_rate)
    {
      source.reader = lq_album_reader_new (ex->project, error);
      if (source.reader == NULL)
        return FALSE;
      ok = write_files (ex, &source, error);
      lq_album_reader_free (source.reader);
      return ok;
    }
  else
    {
      g_autoptr(GFile) album = g_file_get_child (ex->temp, ALBUM_TEMP_NAME);
      LqRenderOptions options = { LQ_WAV_FLOAT32, ex->rate, NULL };

      /* Rendering and resampling take most of the time; cutting the result is quick. */
      ex->write_from = 0.75 * WRITE_SHARE;
      ok = lq_render_album (ex->project, album, &options, ex->cancellable,
                            ex->progress != NULL ? render_progress_cb : NULL, ex, error);
      if (ok)
        {
          source.decoder = lq_decoder_new (album, 0, error);
          ok = source.decoder != NULL && write_files (ex, &source, error);
          g_clear_pointer (&source.decoder, lq_decoder_free);
        }
      g_file_delete (album, NULL, NULL);
      return ok;
    }
}

static LqReport *
verify_files (Export  *ex,
              GError **error)
{
  const LqSequence *seq = ex->seq;
  g_autoptr(LqReport) report = lq_report_new (&ex->options->preset, ex->options->tolerance_lu);

  report->album_title = g_strdup (lq_project_get_title (ex->project));
  report->artist = g_strdup (lq_project_get_artist (ex->project));
  report->format = g_strdup (lq_audio_file_format_to_extension (ex->options->format));
  report->bits = ex->options->bits;
  report->rate = ex->rate;
  report->dithered = ex->options->bits < 24;
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      g_autoptr(GFile) file = g_file_get_child (ex->temp, g_ptr_array_index (ex->names, i));
      LqReportTrack *t = lq_report_measure_file (report, file, ex->options->bits, ex->cancellable, error);

      if (t == NULL)
        return NULL;
      t->number = p->number;
      t->title = track_title (p->track);
      t->isrc = g_strdup (lq_track_get_isrc (p->track));
      t->file_name = g_strdup (g_ptr_array_index (ex->names, i));
      t->expected_frames = ex->to[i] - ex->from[i];
      if (t->isrc != NULL && t->isrc[0] != '\0')
        {
          g_autoptr(GError) isrc_error = NULL;

          if (!lq_redbook_check_isrc (t->isrc, &isrc_error))
            lq_report_add_problem (t->problems, LQ_REPORT_WARNING, "isrc", "%s", isrc_error->message);
        }
      if (ex->progress != NULL)
        ex->progress (WRITE_SHARE + (1.0 - WRITE_SHARE) * (i + 1) / seq->n_placements, ex->progress_data);
    }
  lq_report_finish (report);
  return g_steal_pointer (&report);
}

/**
 * lq_streaming_export:
 * @project: the album
 * @folder: the output folder (created when it does not exist; its parent must)
 * @options: what to write
 * @progress: (nullable): called from this thread with the fraction done
 *
 * Exports the album as per-track files into @folder, reads every file back, measures it and
 * writes the report (see the top of lq-streaming.h). Blocking: call from a worker thread or
 * use lq_streaming_export_async(). With @options' apply_preset the project's level matching,
 * master limiter and track gains are changed first.
 *
 * The files and the report are in @folder when this returns a report, even when the report
 * flags problems: check lq_report_passed(). On an error nothing has been added to @folder.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL with @error set:
 *   LQ_ENGINE_ERROR_INVALID for options that cannot be exported or an album without tracks,
 *   LQ_ENGINE_ERROR_WRITE when the folder cannot be written, the errors of the render and of
 *   the decoder, G_IO_ERROR_CANCELLED
 */
LqReport *
lq_streaming_export (LqProject                 *project,
                     GFile                     *folder,
                     const LqStreamingOptions  *options,
                     GCancellable              *cancellable,
                     LqRenderProgressFunc       progress,
                     gpointer                   progress_data,
                     GError                   **error)
{
  g_autoptr(LqSequence) seq = NULL;
  g_autoptr(GFile) temp = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(LqReport) report = NULL;
  g_autofree guint64 *from = NULL;
  g_autofree guint64 *to = NULL;
  g_autofree char *json = NULL;
  g_autofree char *html = NULL;
  gboolean inside = FALSE;
  Export ex = { 0 };

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);
  g_return_val_if_fail (G_IS_FILE (folder), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (!lq_streaming_check_options (options, project, error))
    return NULL;
  if (options->apply_preset)
    {
      lq_preset_apply (&options->preset, project);
      if (!lq_level_match (project, cancellable, error)
          || !match_files (project, options, cancellable, error))
        return NULL;
    }

  seq = lq_sequence_new (project);
  if (seq->n_placements == 0)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID, _("The album has no tracks to export"));
      return NULL;
    }
  ex.project = project;
  ex.options = options;
  ex.seq = seq;
  ex.album_rate = seq->rate;
  ex.rate = options->rate ? options->rate : seq->rate;
  ex.cancellable = cancellable;
  ex.progress = progress;
  ex.progress_data = progress_data;
  ex.from = from = g_new0 (guint64, seq->n_placements);
  ex.to = to = g_new0 (guint64, seq->n_placements);
  for (guint i = 0; i < seq->n_placements; i++)
    {
      guint64 a, b;

      lq_streaming_get_span (seq, options->split, i, &a, &b);
      from[i] = scale_position (a, ex.rate, ex.album_rate);
      to[i] = scale_position (b, ex.rate, ex.album_rate);
      if (to[i] <= from[i])
        {
          g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_INVALID,
                       _("Track %u has no audio of its own to export (it is empty or lies entirely within a crossfade)"),
                       seq->placements[i].number);
          return NULL;
        }
    }

  temp = make_temp_dir (folder, &inside, error);
  if (temp == NULL)
    return NULL;
  ex.temp = temp;
  ex.names = names = g_ptr_array_new_with_free_func (g_free);

  if (!render_and_write (&ex, error)
      || (report = verify_files (&ex, error)) == NULL)
    {
      remove_temp_dir (temp);
      return NULL;
    }

  html = lq_report_to_html (report);
  json = lq_report_to_json (report);
  if (!write_text_file (temp, LQ_REPORT_HTML_NAME, html, error)
      || !write_text_file (temp, LQ_REPORT_JSON_NAME, json, error)
      || g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      remove_temp_dir (temp);
      return NULL;
    }
  g_ptr_array_add (names, g_strdup (LQ_REPORT_HTML_NAME));
  g_ptr_array_add (names, g_strdup (LQ_REPORT_JSON_NAME));
  if (!commit_files (temp, folder, inside, names, error))
    {
      remove_temp_dir (temp);
      return NULL;
    }
  if (progress != NULL)
    progress (1.0, progress_data);
  return g_steal_pointer (&report);
}

typedef struct
{
  LqProject *project;
  GFile *folder;
  LqStreamingOptions options;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *ed = data;

  g_object_unref (ed->project);
  g_object_unref (ed->folder);
  g_free (ed);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *ed = task_data;
  GError *error = NULL;
  LqReport *report = lq_streaming_export (ed->project, ed->folder, &ed->options, cancellable, NULL, NULL, &error);

  if (report != NULL)
    g_task_return_pointer (task, report, (GDestroyNotify) lq_report_free);
  else
    g_task_return_error (task, error);
}

/**
 * lq_streaming_export_async:
 *
 * Exports in a worker thread. The project must not change until the export is done.
 */
void
lq_streaming_export_async (LqProject                 *project,
                           GFile                     *folder,
                           const LqStreamingOptions  *options,
                           GCancellable              *cancellable,
                           GAsyncReadyCallback        callback,
                           gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, user_data);
  ExportData *ed = g_new0 (ExportData, 1);

  ed->project = g_object_ref (project);
  ed->folder = g_object_ref (folder);
  ed->options = *options;
  g_task_set_source_tag (task, lq_streaming_export_async);
  g_task_set_task_data (task, ed, export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * lq_streaming_export_finish:
 *
 * Returns: (transfer full) (nullable): the report, see lq_streaming_export()
 */
LqReport *
lq_streaming_export_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
