/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-report"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-decoder.h"
#include "lq-dsp-util.h"
#include "lq-engine-error.h"
#include "lq-report.h"
#include "lq-truepeak.h"

#define READ_FRAMES 16384
/* Frames of history replayed into a fresh interpolator before counting a block sample by
 * sample: more than the longest true-peak filter (32 taps a phase), so the counts are exact. */
#define WARMUP_FRAMES 64

static void
problem_free (gpointer data)
{
  LqReportProblem *problem = data;

  g_free (problem->code);
  g_free (problem->message);
  g_free (problem);
}

static void
track_free (gpointer data)
{
  LqReportTrack *track = data;

  g_free (track->title);
  g_free (track->isrc);
  g_free (track->file_name);
  g_free (track->service_gain_db);
  g_ptr_array_unref (track->problems);
  g_clear_pointer (&track->meter, lq_loudness_meter_free);
  g_free (track);
}

/**
 * lq_report_new:
 * @preset: what the files must meet (copied)
 * @tolerance_lu: how far from the preset's target the loudness may be
 *
 * Returns: (transfer full): an empty report; fill @album_title, @artist, @format, @bits,
 *   @rate and @dithered, measure the files, then call lq_report_finish()
 */
LqReport *
lq_report_new (const LqPreset *preset,
               double          tolerance_lu)
{
  LqReport *self;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const LqPreset *services;

  g_return_val_if_fail (preset != NULL, NULL);

  self = g_new0 (LqReport, 1);
  self->preset = *preset;
  self->tolerance_lu = tolerance_lu;
  self->created = g_date_time_format_iso8601 (now);
  self->tracks = g_ptr_array_new_with_free_func (track_free);
  self->problems = g_ptr_array_new_with_free_func (problem_free);
  self->album_lufs = -INFINITY;
  self->album_true_peak_dbtp = -INFINITY;
  self->album_sample_peak_dbfs = -INFINITY;
  services = lq_preset_get_builtin (&self->n_services);
  self->service_names = g_new0 (const char *, self->n_services + 1);
  for (guint i = 0; i < self->n_services; i++)
    self->service_names[i] = services[i].name;
  return self;
}

void
lq_report_free (LqReport *self)
{
  if (self == NULL)
    return;
  g_free (self->album_title);
  g_free (self->artist);
  g_free (self->format);
  g_free (self->created);
  g_ptr_array_unref (self->tracks);
  g_ptr_array_unref (self->problems);
  g_free (self->service_names);
  g_free (self);
}

/**
 * lq_report_add_problem:
 * @problems: (element-type LqReportProblem): a track's or the album's problems
 */
void
lq_report_add_problem (GPtrArray        *problems,
                       LqReportSeverity  severity,
                       const char       *code,
                       const char       *format,
                       ...)
{
  LqReportProblem *problem = g_new0 (LqReportProblem, 1);
  va_list args;

  va_start (args, format);
  problem->severity = severity;
  problem->code = g_strdup (code);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (problems, problem);
}

/* Counts inter-sample overs: keeps the last WARMUP_FRAMES frames, runs a block interpolator
 * over every block and, only for the blocks whose true peak passes 0 dBTP, replays the history
 * into a fresh interpolator and reads the block frame by frame. */
typedef struct
{
  guint channels;
  guint rate;
  LqTruePeak *block_peak;   /* continuous over the file: the peak of each block */
  float *history;           /* the last WARMUP_FRAMES frames before the current block */
  guint n_history;          /* frames in @history (fewer at the start of the file) */
  guint64 overs;            /* sample periods over 0 dBTP so far */
} OverCounter;

static void
over_counter_init (OverCounter *oc,
                   guint        channels,
                   guint        rate)
{
  oc->channels = channels;
  oc->rate = rate;
  oc->block_peak = lq_truepeak_new (channels, rate);
  oc->history = g_new0 (float, WARMUP_FRAMES * channels);
  oc->n_history = 0;
  oc->overs = 0;
}

static void
over_counter_clear (OverCounter *oc)
{
  g_clear_pointer (&oc->block_peak, lq_truepeak_free);
  g_clear_pointer (&oc->history, g_free);
}

static void
over_counter_add (OverCounter *oc,
                  const float *block,
                  gsize        frames)
{
  guint c = oc->channels;
  gboolean over = FALSE;

  lq_truepeak_process (oc->block_peak, block, frames);
  for (guint ch = 0; ch < c; ch++)
    over |= lq_truepeak_get_true_peak (oc->block_peak, ch) > 1.0f;
  lq_truepeak_reset_peaks (oc->block_peak);

  if (over)
    {
      LqTruePeak *tp = lq_truepeak_new (c, oc->rate);

      /* Zeros then the history: the same filter state the block interpolator had. */
      if (oc->n_history < WARMUP_FRAMES)
        {
          float zeros[WARMUP_FRAMES * LQ_TRUEPEAK_MAX_CHANNELS] = { 0 };

          lq_truepeak_process (tp, zeros, WARMUP_FRAMES - oc->n_history);
        }
      lq_truepeak_process (tp, oc->history, oc->n_history);
      lq_truepeak_reset_peaks (tp);
      for (gsize i = 0; i < frames; i++)
        {
          lq_truepeak_process (tp, block + i * c, 1);
          for (guint ch = 0; ch < c; ch++)
            if (lq_truepeak_get_true_peak (tp, ch) > 1.0f)
              oc->overs++;
          lq_truepeak_reset_peaks (tp);
        }
      lq_truepeak_free (tp);
    }

  /* Keep the last WARMUP_FRAMES frames. */
  if (frames >= WARMUP_FRAMES)
    {
      memcpy (oc->history, block + (frames - WARMUP_FRAMES) * c, WARMUP_FRAMES * c * sizeof (float));
      oc->n_history = WARMUP_FRAMES;
    }
  else
    {
      guint keep = MIN (oc->n_history, WARMUP_FRAMES - (guint) frames);

      memmove (oc->history, oc->history + (oc->n_history - keep) * c, keep * c * sizeof (float));
      memcpy (oc->history + keep * c, block, frames * c * sizeof (float));
      oc->n_history = keep + (guint) frames;
    }
}

/**
 * lq_report_measure_file:
 * @file: a written file
 * @bits: the bits per sample it was written with (for the full-scale code)
 *
 * Decodes @file with GStreamer and measures it (see the top of lq-report.h). The new entry is
 * appended to @self's tracks; the caller fills in its @number, @title, @isrc, @file_name and
 * @expected_frames.
 *
 * Returns: (transfer none) (nullable): the entry, %NULL with @error set when the file cannot
 *   be decoded
 */
LqReportTrack *
lq_report_measure_file (LqReport      *self,
                        GFile         *file,
                        guint          bits,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(LqDecoder) decoder = NULL;
  g_autofree float *block = NULL;
  LqReportTrack *track;
  LqLoudnessValues v;
  OverCounter oc;
  double full_scale;
  guint channels;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (bits >= 8 && bits <= 32, NULL);

  decoder = lq_decoder_new_full (file, 0, LQ_DECODER_FLAGS_GSTREAMER_ONLY, error);
  if (decoder == NULL)
    return NULL;
  channels = lq_decoder_get_channels (decoder);
  if (channels == 0 || channels > LQ_LOUDNESS_MAX_CHANNELS)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” has %u channels"), g_file_peek_path (file), channels);
      return NULL;
    }

  track = g_new0 (LqReportTrack, 1);
  track->problems = g_ptr_array_new_with_free_func (problem_free);
  track->rate = lq_decoder_get_rate (decoder);
  track->channels = channels;
  track->bits = bits;
  track->meter = lq_loudness_meter_new (channels, track->rate, LQ_TRUEPEAK_FILTER_PRECISE);
  if (track->meter == NULL)
    {
      g_set_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_UNSUPPORTED,
                   _("“%s” has a sample rate of %u Hz, which cannot be measured"),
                   g_file_peek_path (file), track->rate);
      track_free (track);
      return NULL;
    }

  full_scale = (double) ((1u << (bits - 1)) - 1) / (double) (1u << (bits - 1));
  over_counter_init (&oc, channels, track->rate);
  block = g_new (float, READ_FRAMES * channels);
  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        n = -1;
      else
        n = lq_decoder_read (decoder, block, READ_FRAMES, error);
      if (n < 0)
        {
          over_counter_clear (&oc);
          track_free (track);
          return NULL;
        }
      if (n == 0)
        break;
      lq_loudness_meter_add (track->meter, block, n);
      over_counter_add (&oc, block, n);
      for (gsize i = 0; i < (gsize) n * channels; i++)
        if (fabs (block[i]) >= full_scale)
          track->clipped_on_sample++;
      track->frames += n;
    }
  track->clipped_inter_sample = oc.overs;
  over_counter_clear (&oc);

  lq_loudness_meter_get (track->meter, &v, FALSE);
  track->duration_s = (double) track->frames / track->rate;
  track->integrated_lufs = v.integrated;
  track->lra_lu = v.lra;
  track->true_peak_dbtp = -INFINITY;
  track->sample_peak_dbfs = -INFINITY;
  for (guint ch = 0; ch < channels; ch++)
    {
      track->true_peak_dbtp = MAX (track->true_peak_dbtp, lq_gain_to_db (v.true_peak[ch]));
      track->sample_peak_dbfs = MAX (track->sample_peak_dbfs, lq_gain_to_db (v.sample_peak[ch]));
    }
  track->ceiling_dbtp = self->preset.ceiling_dbtp;
  g_ptr_array_add (self->tracks, track);
  return track;
}

/**
 * lq_report_finish:
 *
 * Computes the album's figures over all measured files, the services' gains and checks every
 * file against the preset (see the top of lq-report.h). Call once, after the last file.
 */
void
lq_report_finish (LqReport *self)
{
  g_autofree LqLoudnessMeter **meters = NULL;
  const LqPreset *services;
  guint n_services;
  double target = self->preset.target_lufs;
  double tol = self->tolerance_lu;
  gboolean album_mode = self->preset.normalization == LQ_PRESET_NORMALIZE_ALBUM;

  g_return_if_fail (self != NULL);

  meters = g_new0 (LqLoudnessMeter *, MAX (self->tracks->len, 1));
  for (guint i = 0; i < self->tracks->len; i++)
    {
      LqReportTrack *t = g_ptr_array_index (self->tracks, i);

      meters[i] = t->meter;
      self->album_true_peak_dbtp = MAX (self->album_true_peak_dbtp, t->true_peak_dbtp);
      self->album_sample_peak_dbfs = MAX (self->album_sample_peak_dbfs, t->sample_peak_dbfs);
    }
  if (self->tracks->len > 0)
    {
      self->album_lufs = lq_loudness_meter_integrated_multiple (meters, self->tracks->len);
      self->album_lra_lu = lq_loudness_meter_lra_multiple (meters, self->tracks->len);
    }

  services = lq_preset_get_builtin (&n_services);
  for (guint i = 0; i < self->tracks->len; i++)
    {
      LqReportTrack *t = g_ptr_array_index (self->tracks, i);
      double level = album_mode ? self->album_lufs : t->integrated_lufs;

      t->service_gain_db = g_new0 (double, n_services);
      for (guint s = 0; s < n_services; s++)
        t->service_gain_db[s] = lq_preset_playback_gain (&services[s], t->integrated_lufs, t->true_peak_dbtp,
                                                          self->album_lufs, self->album_true_peak_dbtp);

      if (t->channels != 2 || (self->rate != 0 && t->rate != self->rate))
        lq_report_add_problem (t->problems, LQ_REPORT_FAILURE, "format",
                               _("The file reads back as %u channels at %u Hz, not as written"),
                               t->channels, t->rate);
      if (t->frames != t->expected_frames)
        lq_report_add_problem (t->problems, LQ_REPORT_FAILURE, "length",
                               _("The file reads back as %" G_GUINT64_FORMAT " frames; %" G_GUINT64_FORMAT " were written"),
                               t->frames, t->expected_frames);
      t->ceiling_dbtp = lq_preset_get_ceiling_for (&self->preset, level, tol);
      if (t->true_peak_dbtp > t->ceiling_dbtp)
        lq_report_add_problem (t->problems, LQ_REPORT_FAILURE, "true-peak",
                               _("True peak %+.2f dBTP is above the ceiling of %+.1f dBTP"),
                               t->true_peak_dbtp, t->ceiling_dbtp);
      if (t->clipped_on_sample > 0 || t->clipped_inter_sample > 0)
        lq_report_add_problem (t->problems, LQ_REPORT_FAILURE, "clipping",
                               _("%" G_GUINT64_FORMAT " clipped samples and %" G_GUINT64_FORMAT " inter-sample overs"),
                               t->clipped_on_sample, t->clipped_inter_sample);
      if (!isfinite (t->integrated_lufs))
        lq_report_add_problem (t->problems, LQ_REPORT_WARNING, "silent",
                               _("The track is digital silence (no loudness to measure)"));
      else if (!album_mode && fabs (t->integrated_lufs - target) > tol)
        lq_report_add_problem (t->problems, LQ_REPORT_FAILURE, "loudness",
                               _("Integrated loudness %.1f LUFS is %.1f LU off the target of %.1f LUFS (tolerance %.1f LU)"),
                               t->integrated_lufs, t->integrated_lufs - target, target, tol);
    }
  if (album_mode && isfinite (self->album_lufs) && fabs (self->album_lufs - target) > tol)
    lq_report_add_problem (self->problems, LQ_REPORT_FAILURE, "loudness",
                           _("The album's integrated loudness %.1f LUFS is %.1f LU off the target of %.1f LUFS (tolerance %.1f LU)"),
                           self->album_lufs, self->album_lufs - target, target, tol);
  if (self->tracks->len == 0)
    lq_report_add_problem (self->problems, LQ_REPORT_FAILURE, "empty", _("No file was written"));

  self->n_failures = self->n_warnings = 0;
  for (guint i = 0; i <= self->tracks->len; i++)
    {
      GPtrArray *problems = i < self->tracks->len
        ? ((LqReportTrack *) g_ptr_array_index (self->tracks, i))->problems : self->problems;

      for (guint k = 0; k < problems->len; k++)
        {
          LqReportProblem *p = g_ptr_array_index (problems, k);

          if (p->severity == LQ_REPORT_FAILURE)
            self->n_failures++;
          else
            self->n_warnings++;
        }
    }
}

/**
 * lq_report_passed:
 *
 * Returns: %TRUE when lq_report_finish() found no failure
 */
gboolean
lq_report_passed (const LqReport *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->n_failures == 0;
}

/* ---- JSON ---- */

/* A small pretty-printing JSON writer: json-glib prints doubles with 17 digits, and a report
 * is read by people too. */
typedef struct
{
  GString *s;
  guint depth;
  gboolean need_comma;   /* a value was written at this level: the next one needs a comma */
} JsonOut;

static void
json_string_literal (GString    *s,
                     const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (s, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (s, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

/* Starts a member (@name) or an array element (@name NULL). */
static void
json_key (JsonOut    *j,
          const char *name)
{
  if (j->need_comma)
    g_string_append_c (j->s, ',');
  if (j->depth > 0)
    {
      g_string_append_c (j->s, '\n');
      for (guint i = 0; i < j->depth; i++)
        g_string_append (j->s, "  ");
    }
  if (name != NULL)
    {
      json_string_literal (j->s, name);
      g_string_append (j->s, ": ");
    }
  j->need_comma = TRUE;
}

static void
json_open (JsonOut    *j,
           const char *name,
           char        bracket)
{
  json_key (j, name);
  g_string_append_c (j->s, bracket);
  j->depth++;
  j->need_comma = FALSE;
}

static void
json_close (JsonOut *j,
            char     bracket)
{
  gboolean empty = !j->need_comma;

  j->depth--;
  if (!empty)
    {
      g_string_append_c (j->s, '\n');
      for (guint i = 0; i < j->depth; i++)
        g_string_append (j->s, "  ");
    }
  g_string_append_c (j->s, bracket);
  j->need_comma = TRUE;
}

static void
json_str (JsonOut    *j,
          const char *name,
          const char *value)
{
  json_key (j, name);
  if (value != NULL)
    json_string_literal (j->s, value);
  else
    g_string_append (j->s, "null");
}

static void
json_int (JsonOut    *j,
          const char *name,
          gint64      value)
{
  json_key (j, name);
  g_string_append_printf (j->s, "%" G_GINT64_FORMAT, value);
}

static void
json_bool (JsonOut    *j,
           const char *name,
           gboolean    value)
{
  json_key (j, name);
  g_string_append (j->s, value ? "true" : "false");
}

/* A number with @decimals decimals; non-finite values (digital silence: -inf) as null. */
static void
json_num (JsonOut    *j,
          const char *name,
          double      value,
          int         decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  json_key (j, name);
  if (!isfinite (value))
    {
      g_string_append (j->s, "null");
      return;
    }
  g_snprintf (format, sizeof format, "%%.%df", decimals);
  g_string_append (j->s, g_ascii_formatd (buf, sizeof buf, format, value));
}

static void
json_problems (JsonOut   *j,
               GPtrArray *problems)
{
  json_open (j, "problems", '[');
  for (guint i = 0; i < problems->len; i++)
    {
      LqReportProblem *p = g_ptr_array_index (problems, i);

      json_open (j, NULL, '{');
      json_str (j, "severity", p->severity == LQ_REPORT_FAILURE ? "failure" : "warning");
      json_str (j, "code", p->code);
      json_str (j, "message", p->message);
      json_close (j, '}');
    }
  json_close (j, ']');
}

/**
 * lq_report_to_json:
 *
 * Returns: (transfer full): the report as pretty-printed JSON. Loudness and levels have two
 *   decimals; digital silence is null. `passed` is true when nothing failed.
 */
char *
lq_report_to_json (const LqReport *self)
{
  JsonOut j = { NULL, 0, FALSE };

  g_return_val_if_fail (self != NULL, NULL);

  j.s = g_string_new (NULL);
  json_open (&j, NULL, '{');
  json_str (&j, "generator", PACKAGE_STRING);
  json_str (&j, "created", self->created);
  json_bool (&j, "passed", lq_report_passed (self));
  json_int (&j, "failures", self->n_failures);
  json_int (&j, "warnings", self->n_warnings);

  json_open (&j, "preset", '{');
  json_str (&j, "id", self->preset.id);
  json_str (&j, "name", self->preset.name);
  json_num (&j, "target_lufs", self->preset.target_lufs, 2);
  json_num (&j, "ceiling_dbtp", self->preset.ceiling_dbtp, 2);
  json_num (&j, "loud_ceiling_dbtp", self->preset.loud_ceiling_dbtp, 2);
  json_str (&j, "normalization", lq_preset_normalization_to_string (self->preset.normalization));
  json_num (&j, "tolerance_lu", self->tolerance_lu, 2);
  json_close (&j, '}');

  json_open (&j, "files", '{');
  json_str (&j, "format", self->format);
  json_int (&j, "bits", self->bits);
  json_int (&j, "rate", self->rate);
  json_bool (&j, "dithered", self->dithered);
  json_close (&j, '}');

  json_open (&j, "album", '{');
  json_str (&j, "title", self->album_title);
  json_str (&j, "artist", self->artist);
  json_int (&j, "tracks", self->tracks->len);
  json_num (&j, "integrated_lufs", self->album_lufs, 2);
  json_num (&j, "lra_lu", self->album_lra_lu, 2);
  json_num (&j, "true_peak_dbtp", self->album_true_peak_dbtp, 2);
  json_num (&j, "sample_peak_dbfs", self->album_sample_peak_dbfs, 2);
  json_problems (&j, self->problems);
  json_close (&j, '}');

  json_open (&j, "tracks", '[');
  for (guint i = 0; i < self->tracks->len; i++)
    {
      const LqReportTrack *t = g_ptr_array_index (self->tracks, i);

      json_open (&j, NULL, '{');
      json_int (&j, "number", t->number);
      json_str (&j, "title", t->title);
      json_str (&j, "isrc", t->isrc);
      json_str (&j, "file", t->file_name);
      json_int (&j, "rate", t->rate);
      json_int (&j, "channels", t->channels);
      json_int (&j, "bits", t->bits);
      json_int (&j, "frames", t->frames);
      json_num (&j, "duration_s", t->duration_s, 3);
      json_num (&j, "integrated_lufs", t->integrated_lufs, 2);
      json_num (&j, "lra_lu", t->lra_lu, 2);
      json_num (&j, "true_peak_dbtp", t->true_peak_dbtp, 2);
      json_num (&j, "sample_peak_dbfs", t->sample_peak_dbfs, 2);
      json_int (&j, "clipped_on_sample", t->clipped_on_sample);
      json_int (&j, "clipped_inter_sample", t->clipped_inter_sample);
      json_num (&j, "ceiling_dbtp", t->ceiling_dbtp, 2);
      json_open (&j, "services", '[');
      for (guint s = 0; s < self->n_services && t->service_gain_db != NULL; s++)
        {
          json_open (&j, NULL, '{');
          json_str (&j, "name", self->service_names[s]);
          json_num (&j, "playback_gain_db", t->service_gain_db[s], 2);
          json_close (&j, '}');
        }
      json_close (&j, ']');
      json_problems (&j, t->problems);
      json_close (&j, '}');
    }
  json_close (&j, ']');
  json_close (&j, '}');
  g_string_append_c (j.s, '\n');
  return g_string_free (j.s, FALSE);
}

/* ---- HTML and text ---- */

static char *
format_db (double value,
           const char *unit)
{
  if (!isfinite (value))
    return g_strdup_printf ("−∞ %s", unit);
  return g_strdup_printf ("%.2f %s", value, unit);
}

static void
html_problems (GString   *html,
               GPtrArray *problems)
{
  for (guint k = 0; k < problems->len; k++)
    {
      LqReportProblem *p = g_ptr_array_index (problems, k);
      g_autofree char *message = g_markup_escape_text (p->message, -1);

      g_string_append_printf (html, "<div class=\"%s\">%s</div>",
                              p->severity == LQ_REPORT_FAILURE ? "fail" : "warn", message);
    }
}

/**
 * lq_report_to_html:
 *
 * Returns: (transfer full): the report as one self-contained HTML page
 */
char *
lq_report_to_html (const LqReport *self)
{
  GString *html;
  g_autofree char *title = NULL;
  g_autofree char *artist = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *album_i = NULL;
  g_autofree char *album_tp = NULL;
  g_autofree char *album_sp = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  html = g_string_new (NULL);
  title = g_markup_escape_text (self->album_title ? self->album_title : _("Untitled album"), -1);
  artist = g_markup_escape_text (self->artist ? self->artist : "", -1);
  preset = g_markup_escape_text (self->preset.name, -1);
  album_i = format_db (self->album_lufs, "LUFS");
  album_tp = format_db (self->album_true_peak_dbtp, "dBTP");
  album_sp = format_db (self->album_sample_peak_dbfs, "dBFS");

  g_string_append_printf (html,
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>%s — %s</title>\n"
    "<style>\n"
    "body { font-family: Cantarell, sans-serif; margin: 2em; color: #222; }\n"
    "table { border-collapse: collapse; margin: 1em 0; }\n"
    "th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }\n"
    "th { background: #f0f0f0; } td.l { text-align: left; }\n"
    ".banner { font-size: 1.3em; font-weight: bold; padding: 0.5em; border-radius: 6px; }\n"
    ".pass { background: #d4f4dd; } .failed { background: #fbd5d5; }\n"
    ".fail { color: #b00; } .warn { color: #a60; }\n"
    "td.bad { background: #fbd5d5; }\n"
    "</style>\n</head>\n<body>\n",
    _("Delivery report"), title);
  g_string_append_printf (html, "<h1>%s</h1>\n<p>%s — %s</p>\n", _("Delivery report"), title, artist);
  g_string_append_printf (html, "<p class=\"banner %s\">%s</p>\n", lq_report_passed (self) ? "pass" : "failed",
                          lq_report_passed (self) ? _("Passed: every file meets the preset")
                                                  : _("FAILED: some files do not meet the preset"));
  g_string_append_printf (html,
    "<p>%s <b>%s</b>: %s %.1f LUFS (%s), %s %.1f dBTP, %s %.1f LU. "
    "%s: %s, %u bit%s, %u Hz. %s %s.</p>\n",
    _("Preset"), preset, _("target"), self->preset.target_lufs,
    self->preset.normalization == LQ_PRESET_NORMALIZE_ALBUM ? _("album normalization") : _("track normalization"),
    _("ceiling"), self->preset.ceiling_dbtp, _("tolerance"), self->tolerance_lu,
    _("Files"), self->format ? self->format : "", self->bits, self->dithered ? _(" (dithered)") : "", self->rate,
    _("Made"), self->created);
  g_string_append_printf (html, "<p>%s: %s, LRA %.1f LU, %s %s, %s %s</p>\n", _("Album"), album_i,
                          self->album_lra_lu, _("true peak"), album_tp, _("sample peak"), album_sp);
  html_problems (html, self->problems);

  g_string_append_printf (html,
    "<h2>%s</h2>\n<table>\n<tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>LRA</th>"
    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
    _("Files"), _("Title / file"), _("Length"), _("ISRC"), _("Integrated"), _("True peak"), _("Sample peak"),
    _("Clipped"), _("Inter-sample overs"), _("Problems"));
  for (guint i = 0; i < self->tracks->len; i++)
    {
      const LqReportTrack *t = g_ptr_array_index (self->tracks, i);
      g_autofree char *ttitle = g_markup_escape_text (t->title ? t->title : "", -1);
      g_autofree char *file = g_markup_escape_text (t->file_name ? t->file_name : "", -1);
      g_autofree char *isrc = g_markup_escape_text (t->isrc ? t->isrc : "", -1);
      g_autofree char *integrated = format_db (t->integrated_lufs, "LUFS");
      g_autofree char *tp = format_db (t->true_peak_dbtp, "dBTP");
      g_autofree char *sp = format_db (t->sample_peak_dbfs, "dBFS");
      gboolean tp_bad = t->true_peak_dbtp > t->ceiling_dbtp;

      g_string_append_printf (html,
        "<tr><td>%u</td><td class=\"l\">%s<br><small>%s</small></td><td>%u:%06.3f</td><td class=\"l\">%s</td>"
        "<td>%s</td><td>%.1f LU</td><td%s>%s</td><td>%s</td><td%s>%" G_GUINT64_FORMAT "</td>"
        "<td%s>%" G_GUINT64_FORMAT "</td><td class=\"l\">",
        t->number, ttitle, file, (guint) (t->duration_s / 60), fmod (t->duration_s, 60.0), isrc,
        integrated, t->lra_lu, tp_bad ? " class=\"bad\"" : "", tp, sp,
        t->clipped_on_sample ? " class=\"bad\"" : "", t->clipped_on_sample,
        t->clipped_inter_sample ? " class=\"bad\"" : "", t->clipped_inter_sample);
      html_problems (html, t->problems);
      g_string_append (html, "</td></tr>\n");
    }
  g_string_append (html, "</table>\n");

  g_string_append_printf (html, "<h2>%s</h2>\n<p>%s</p>\n<table>\n<tr><th>#</th>",
                          _("What the services do"),
                          _("The gain each service applies when it plays the file (negative: turned down). "
                            "Louder masters are turned down to the service's target; quieter ones are turned up "
                            "only as far as their true peak stays under the service's ceiling."));
  for (guint s = 0; s < self->n_services; s++)
    g_string_append_printf (html, "<th>%s</th>", self->service_names[s]);
  g_string_append (html, "</tr>\n");
  for (guint i = 0; i < self->tracks->len; i++)
    {
      const LqReportTrack *t = g_ptr_array_index (self->tracks, i);

      g_string_append_printf (html, "<tr><td>%u</td>", t->number);
      for (guint s = 0; s < self->n_services && t->service_gain_db != NULL; s++)
        g_string_append_printf (html, "<td>%+.1f dB</td>", t->service_gain_db[s]);
      g_string_append (html, "</tr>\n");
    }
  g_string_append (html, "</table>\n</body>\n</html>\n");
  return g_string_free (html, FALSE);
}

/**
 * lq_report_to_text:
 *
 * Returns: (transfer full): a summary for a terminal: one line per file, its problems, the
 *   services' gains and the verdict
 */
char *
lq_report_to_text (const LqReport *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  g_string_append_printf (s, _("Preset %s: target %.1f LUFS (%s normalization), ceiling %.1f dBTP\n"),
                          self->preset.name, self->preset.target_lufs,
                          lq_preset_normalization_to_string (self->preset.normalization), self->preset.ceiling_dbtp);
  g_string_append_printf (s, "%-3s %-34s %9s %7s %9s %9s %7s %7s\n", "#", _("file"), _("LUFS"), _("LRA"),
                          _("dBTP"), _("dBFS"), _("clip"), _("isp"));
  for (guint i = 0; i < self->tracks->len; i++)
    {
      const LqReportTrack *t = g_ptr_array_index (self->tracks, i);

      g_string_append_printf (s, "%-3u %-34.34s %9.2f %7.2f %9.2f %9.2f %7" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT "\n",
                              t->number, t->file_name ? t->file_name : "", t->integrated_lufs, t->lra_lu,
                              t->true_peak_dbtp, t->sample_peak_dbfs, t->clipped_on_sample, t->clipped_inter_sample);
      for (guint k = 0; k < t->problems->len; k++)
        {
          LqReportProblem *p = g_ptr_array_index (t->problems, k);

          g_string_append_printf (s, "    %s: %s\n", p->severity == LQ_REPORT_FAILURE ? _("FAIL") : _("warning"),
                                  p->message);
        }
    }
  g_string_append_printf (s, _("Album: %.2f LUFS, LRA %.2f LU, true peak %.2f dBTP\n"), self->album_lufs,
                          self->album_lra_lu, self->album_true_peak_dbtp);
  for (guint k = 0; k < self->problems->len; k++)
    {
      LqReportProblem *p = g_ptr_array_index (self->problems, k);

      g_string_append_printf (s, "    %s: %s\n", p->severity == LQ_REPORT_FAILURE ? _("FAIL") : _("warning"),
                              p->message);
    }

  g_string_append_printf (s, "\n%s\n%-3s", _("Playback gain per service (dB, negative = turned down):"), "#");
  for (guint k = 0; k < self->n_services; k++)
    g_string_append_printf (s, " %13.13s", self->service_names[k]);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < self->tracks->len; i++)
    {
      const LqReportTrack *t = g_ptr_array_index (self->tracks, i);

      g_string_append_printf (s, "%-3u", t->number);
      for (guint k = 0; k < self->n_services && t->service_gain_db != NULL; k++)
        g_string_append_printf (s, " %+13.1f", t->service_gain_db[k]);
      g_string_append_c (s, '\n');
    }
  g_string_append_printf (s, "\n%s (%u %s, %u %s)\n",
                          lq_report_passed (self) ? _("PASSED") : _("FAILED"),
                          self->n_failures, _("failures"), self->n_warnings, _("warnings"));
  return g_string_free (s, FALSE);
}
