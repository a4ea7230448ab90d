/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming exports checked by readers that are not ours: metaflac reads the tags and the
 * stream info, GStreamer's discoverer the format and tags, FFmpeg's ebur128 (true peak) that
 * every file meets its preset's ceiling, libebur128 (called here directly) the report's
 * numbers; the files joined again are the album render (24 bit: to the rounding; 16 bit: within
 * the TPDF dither's bounds, with the dither's expected noise power); the cut points come from
 * the timeline rule written out here; clip counts against counts and closed forms computed here;
 * failures and cancels leave nothing behind; the command line's exit codes. */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ebur128.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <json-glib/json-glib.h>

#include "../lq-test-util.h"
#include "lq-decoder.h"
#include "lq-elements.h"
#include "lq-engine-error.h"
#include "lq-preset.h"
#include "lq-project.h"
#include "lq-render.h"
#include "lq-sequence.h"
#include "lq-streaming.h"
#include "lq-synth.h"
#include "lq-wav.h"

#define RATE 44100

static char *tmp_dir;
static struct _Export *flac24_export;
static struct _Export *wav16_export;

static GFile *
write_wav (const char *name, const float *audio, gsize frames)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  GFile *file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (lq_wav_write_file (file, audio, frames, 2, RATE, LQ_WAV_FLOAT32, NULL, &error));
  g_assert_no_error (error);
  return file;
}

static LqTrack *
add_track (LqProject *project, GFile *file, const char *title, const char *isrc)
{
  g_autoptr(LqTrack) track = lq_track_new (file);

  g_assert_true (lq_track_probe (track, NULL, NULL));
  g_object_set (track, "title", title, "isrc", isrc, "performer", "The Test Band", NULL);
  lq_project_append_track (project, track);
  return track;
}

/* The album used by most tests: two demo tracks trimmed to 8 and 6 s (dense, loud material),
 * a 1 s pause, then a quiet 5 s tone-and-noise coda crossfading 1.5 s into track 2. Master:
 * a true-peak limiter at -1 dBTP. */
static LqProject *
make_album (void)
{
  LqProject *project = lq_project_new ();
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  gsize n1 = 8 * RATE, n2 = 6 * RATE, n3 = 5 * RATE;
  g_autofree float *a = g_new (float, n1 * 2);
  g_autofree float *b = g_new (float, n2 * 2);
  g_autofree float *c = g_new (float, n3 * 2);
  g_autofree float *noise = g_new (float, n3 * 2);
  g_autoptr(GFile) fa = NULL;
  g_autoptr(GFile) fb = NULL;
  g_autoptr(GFile) fc = NULL;
  LqTrack *t2, *t3;

  lq_synth_demo_render (0, RATE, a, n1);
  lq_synth_demo_render (1, RATE, b, n2);
  lq_synth_sine (c, n3, 2, RATE, 220.0, 0.05, 0.0);
  lq_synth_noise (noise, n3, 2, 0.02, 7);
  for (gsize i = 0; i < n3 * 2; i++)
    c[i] += noise[i];
  fa = write_wav ("src-a.wav", a, n1);
  fb = write_wav ("src-b.wav", b, n2);
  fc = write_wav ("src-c.wav", c, n3);

  g_object_set (project, "title", "Test Album", "artist", "The Test Band", "genre", "Rock", "rate", RATE, NULL);
  add_track (project, fa, "Morning Static", "USABC2600001");
  t2 = add_track (project, fb, "Night/Drive: Part?", "USABC2600002");
  t3 = add_track (project, fc, "Ümlaut Coda", NULL);
  g_object_set (t2, "pause", (guint64) RATE, NULL);
  g_object_set (t3, "crossfade", (guint64) (1.5 * RATE), NULL);
  lq_chain_element_set_double (limiter, "ceiling", -1.0);
  lq_chain_append (lq_project_get_master (project), limiter);
  return project;
}

typedef struct _Export
{
  LqProject *project;   /* the album after the export (preset applied) */
  char *dir;            /* the output folder */
  LqReport *report;
  LqStreamingOptions options;
} Export;

static Export *
run_export (const char *name, const char *preset, LqAudioFileFormat format, guint bits, guint rate,
            LqStreamingSplit split)
{
  Export *ex = g_new0 (Export, 1);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  ex->project = make_album ();
  ex->dir = g_build_filename (tmp_dir, name, NULL);
  folder = g_file_new_for_path (ex->dir);
  lq_streaming_options_init (&ex->options, lq_preset_lookup (preset));
  ex->options.format = format;
  ex->options.bits = bits;
  ex->options.rate = rate;
  ex->options.split = split;
  ex->options.year = 2026;
  ex->options.apply_preset = TRUE;
  ex->report = lq_streaming_export (ex->project, folder, &ex->options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ex->report);
  return ex;
}

/* Spotify, FLAC, 24 bit at the album's rate; crossfades to the earlier track. */
static Export *
export_flac24 (void)
{
  if (flac24_export == NULL)
    flac24_export = run_export ("flac24", "spotify", LQ_AUDIO_FILE_FLAC, 24, 0, LQ_STREAMING_SPLIT_AFTER_CROSSFADE);
  return flac24_export;
}

/* Apple Music, WAV, 16 bit dithered, resampled to 48 kHz, cut at the tracks' starts. */
static Export *
export_wav16 (void)
{
  if (wav16_export == NULL)
    wav16_export = run_export ("wav16", "apple-music", LQ_AUDIO_FILE_WAV, 16, 48000, LQ_STREAMING_SPLIT_AT_START);
  return wav16_export;
}

static void
export_free (Export *ex)
{
  if (ex == NULL)
    return;
  g_object_unref (ex->project);
  g_free (ex->dir);
  lq_report_free (ex->report);
  g_free (ex);
}

static char *
file_path (Export *ex, guint i)
{
  LqReportTrack *t = g_ptr_array_index (ex->report->tracks, i);

  return g_build_filename (ex->dir, t->file_name, NULL);
}

static float *
decode (const char *path, guint *rate, gsize *frames)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDecoder) decoder = lq_decoder_new_full (file, 0, LQ_DECODER_FLAGS_GSTREAMER_ONLY, &error);
  GArray *audio = g_array_new (FALSE, FALSE, sizeof (float));
  float block[4096 * 2];
  gssize n;

  g_assert_no_error (error);
  g_assert_cmpuint (lq_decoder_get_channels (decoder), ==, 2);
  while ((n = lq_decoder_read (decoder, block, 4096, &error)) > 0)
    g_array_append_vals (audio, block, n * 2);
  g_assert_no_error (error);
  *rate = lq_decoder_get_rate (decoder);
  *frames = audio->len / 2;
  return (float *) g_array_free (audio, FALSE);
}

static char *
run (const char * const *argv, int *exit_status)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  if (exit_status != NULL)
    *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  else
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* ---- file names and spans ---- */

static void
test_file_names (void)
{
  g_autofree char *a = lq_streaming_file_name (1, 12, "Night/Drive: Part?", LQ_AUDIO_FILE_FLAC);
  g_autofree char *b = lq_streaming_file_name (7, 12, " ..Ümlaut <Coda> ", LQ_AUDIO_FILE_WAV);
  g_autofree char *c = lq_streaming_file_name (3, 12, NULL, LQ_AUDIO_FILE_FLAC);
  g_autofree char *d = lq_streaming_file_name (42, 120, "A\tB|C\\D*E\"F", LQ_AUDIO_FILE_FLAC);

  g_assert_cmpstr (a, ==, "01 Night_Drive_ Part_.flac");
  g_assert_cmpstr (b, ==, "07 Ümlaut _Coda_.wav");
  g_assert_cmpstr (c, ==, "03 Track 3.flac");
  g_assert_cmpstr (d, ==, "042 A_B_C_D_E_F.flac");
}

/* The cut rule of lq-streaming.h, written out from the timeline: first file from track 1's
 * start; later files from their start, or after the crossfade (the end of the previous
 * track) when it belongs to the earlier track; the last one to the album's end. */
static void
expected_spans (const LqSequence *seq, LqStreamingSplit split, guint64 *from, guint64 *to)
{
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];

      from[i] = p->start;
      if (i > 0 && split == LQ_STREAMING_SPLIT_AFTER_CROSSFADE && p->overlap_in > 0)
        from[i] = seq->placements[i - 1].end;
      if (i > 0)
        to[i - 1] = from[i];
    }
  to[seq->n_placements - 1] = seq->length;
}

static void
test_spans (void)
{
  g_autoptr(LqProject) project = make_album ();
  g_autoptr(LqSequence) seq = lq_sequence_new (project);
  guint64 from[3], to[3];

  g_assert_cmpuint (seq->n_placements, ==, 3);
  /* Track 2 starts after track 1 and its 1 s pause: the pause stays in file 1. */
  expected_spans (seq, LQ_STREAMING_SPLIT_AFTER_CROSSFADE, from, to);
  g_assert_cmpuint (from[0], ==, 0);
  g_assert_cmpuint (to[0], ==, 9 * RATE);
  g_assert_cmpuint (to[1], ==, 15 * RATE);          /* the crossfade stays in file 2 */
  g_assert_cmpuint (to[2], ==, 15 * RATE + 7 * RATE / 2);
  for (guint i = 0; i < 3; i++)
    {
      guint64 a, b;

      lq_streaming_get_span (seq, LQ_STREAMING_SPLIT_AFTER_CROSSFADE, i, &a, &b);
      g_assert_cmpuint (a, ==, from[i]);
      g_assert_cmpuint (b, ==, to[i]);
    }
  expected_spans (seq, LQ_STREAMING_SPLIT_AT_START, from, to);
  g_assert_cmpuint (to[1], ==, 27 * RATE / 2);       /* the crossfade opens file 3 */
  for (guint i = 0; i < 3; i++)
    {
      guint64 a, b;

      lq_streaming_get_span (seq, LQ_STREAMING_SPLIT_AT_START, i, &a, &b);
      g_assert_cmpuint (a, ==, from[i]);
      g_assert_cmpuint (b, ==, to[i]);
    }
}

/* ---- tags and format by independent readers ---- */

static char *
metaflac_tag (const char *path, const char *tag)
{
  g_autofree char *option = g_strdup_printf ("--show-tag=%s", tag);
  const char *argv[] = { "metaflac", option, path, NULL };
  g_autofree char *out = run (argv, NULL);
  g_autofree char *prefix = g_strdup_printf ("%s=", tag);

  g_strchomp (out);
  if (!g_str_has_prefix (out, prefix))
    return NULL;
  return g_strdup (out + strlen (prefix));
}

/* The value after "key: " in metaflac --list's STREAMINFO block. */
static guint64
metaflac_info (const char *listing, const char *key)
{
  g_autofree char *needle = g_strdup_printf ("\n  %s: ", key);
  const char *p = strstr (listing, needle);

  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen (needle), NULL, 10);
}

static void
test_metaflac (void)
{
  Export *ex = export_flac24 ();
  const char *titles[] = { "Morning Static", "Night/Drive: Part?", "Ümlaut Coda" };
  const char *isrcs[] = { "USABC2600001", "USABC2600002", NULL };

  if (!lq_test_have_program ("metaflac"))
    {
      g_test_skip ("metaflac is not installed");
      return;
    }
  g_assert_cmpuint (ex->report->tracks->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = file_path (ex, i);
      const char *argv[] = { "metaflac", "--list", "--block-type=STREAMINFO", path, NULL };
      g_autofree char *listing = run (argv, NULL);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      const struct { const char *tag; const char *value; } want[] = {
        { "TITLE", titles[i] }, { "ARTIST", "The Test Band" }, { "ALBUM", "Test Album" },
        { "ALBUMARTIST", "The Test Band" }, { "TRACKNUMBER", number }, { "TRACKTOTAL", "3" },
        { "ISRC", isrcs[i] }, { "DATE", "2026" }, { "GENRE", "Rock" },
      };
      LqReportTrack *t = g_ptr_array_index (ex->report->tracks, i);

      for (guint k = 0; k < G_N_ELEMENTS (want); k++)
        {
          g_autofree char *value = metaflac_tag (path, want[k].tag);

          g_assert_cmpstr (value, ==, want[k].value);
        }
      g_assert_cmpuint (metaflac_info (listing, "sample_rate"), ==, RATE);
      g_assert_cmpuint (metaflac_info (listing, "channels"), ==, 2);
      g_assert_cmpuint (metaflac_info (listing, "bits-per-sample"), ==, 24);
      g_assert_cmpuint (metaflac_info (listing, "total samples"), ==, t->expected_frames);
    }
}

static void
check_discoverer (Export *ex, guint rate, guint depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  const char *titles[] = { "Morning Static", "Night/Drive: Part?", "Ümlaut Coda" };

  g_assert_no_error (error);
  for (guint i = 0; i < ex->report->tracks->len; i++)
    {
      g_autofree char *path = file_path (ex, i);
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
      g_autoptr(GstDiscovererInfo) info = gst_discoverer_discover_uri (discoverer, uri, &error);
      GList *streams;
      GstDiscovererAudioInfo *audio;
      const GstTagList *tags;
      g_autofree char *title = NULL;
      g_autofree char *artist = NULL;
      g_autofree char *album = NULL;
      g_autofree char *isrc = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (gst_discoverer_info_get_result (info), ==, GST_DISCOVERER_OK);
      streams = gst_discoverer_info_get_audio_streams (info);
      g_assert_cmpuint (g_list_length (streams), ==, 1);
      audio = streams->data;
      g_assert_cmpuint (gst_discoverer_audio_info_get_sample_rate (audio), ==, rate);
      g_assert_cmpuint (gst_discoverer_audio_info_get_channels (audio), ==, 2);
      g_assert_cmpuint (gst_discoverer_audio_info_get_depth (audio), ==, depth);
      gst_discoverer_stream_info_list_free (streams);

      tags = gst_discoverer_info_get_tags (info);
      g_assert_nonnull (tags);
      g_assert_true (gst_tag_list_get_string (tags, GST_TAG_TITLE, &title));
      g_assert_true (gst_tag_list_get_string (tags, GST_TAG_ARTIST, &artist));
      g_assert_true (gst_tag_list_get_string (tags, GST_TAG_ALBUM, &album));
      g_assert_cmpstr (title, ==, titles[i]);
      g_assert_cmpstr (artist, ==, "The Test Band");
      g_assert_cmpstr (album, ==, "Test Album");
      if (i < 2)
        {
          g_assert_true (gst_tag_list_get_string (tags, GST_TAG_ISRC, &isrc));
          g_assert_cmpstr (isrc, ==, i == 0 ? "USABC2600001" : "USABC2600002");
        }
      if (ex->options.format == LQ_AUDIO_FILE_FLAC)
        {
          guint number = 0, count = 0;

          g_assert_true (gst_tag_list_get_uint (tags, GST_TAG_TRACK_NUMBER, &number));
          g_assert_true (gst_tag_list_get_uint (tags, GST_TAG_TRACK_COUNT, &count));
          g_assert_cmpuint (number, ==, i + 1);
          g_assert_cmpuint (count, ==, 3);
        }
    }
}

static void
test_discoverer_flac (void)
{
  check_discoverer (export_flac24 (), RATE, 24);
}

static void
test_discoverer_wav (void)
{
  check_discoverer (export_wav16 (), 48000, 16);
}

/* ---- true peak by FFmpeg ---- */

/* FFmpeg's ebur128=peak=true over a file: the summary's integrated loudness and the highest
 * true peak of the channels (from the filter's metadata, 3 decimals, rather than the summary's
 * one decimal). */
static void
ffmpeg_measure (const char *path, double *integrated, double *true_peak)
{
  g_autofree char *meta = g_build_filename (tmp_dir, "ffmpeg-meta.txt", NULL);
  g_autofree char *filter = g_strdup_printf ("ebur128=peak=true:metadata=1,ametadata=print:file=%s", meta);
  const char *argv[] = { "ffmpeg", "-nostdin", "-nostats", "-hide_banner", "-i", path,
                         "-af", filter, "-f", "null", "-", NULL };
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *err = NULL;
  const char *summary;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  summary = strstr (err, "Summary:");
  g_assert_nonnull (summary);
  summary = strstr (summary, "I:");
  g_assert_nonnull (summary);
  *integrated = g_ascii_strtod (summary + 2, NULL);

  g_assert_true (g_file_get_contents (meta, &contents, NULL, NULL));
  *true_peak = -INFINITY;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint c;

      if (sscanf (lines[i], "lavfi.r128.true_peaks_ch%u=", &c) == 1)
        {
          double v = g_ascii_strtod (strchr (lines[i], '=') + 1, NULL);

          *true_peak = MAX (*true_peak, v > 0 ? 20 * log10 (v) : -INFINITY);
        }
    }
  g_unlink (meta);
}

static void
check_ffmpeg_ceiling (Export *ex)
{
  if (!lq_test_have_program ("ffmpeg"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  for (guint i = 0; i < ex->report->tracks->len; i++)
    {
      LqReportTrack *t = g_ptr_array_index (ex->report->tracks, i);
      g_autofree char *path = file_path (ex, i);
      double integrated, tp;

      ffmpeg_measure (path, &integrated, &tp);
      g_test_message ("%s: ffmpeg I %.1f LUFS, TP %.3f dBTP (report %.2f, %.2f; ceiling %.1f)",
                      t->file_name, integrated, tp, t->integrated_lufs, t->true_peak_dbtp, t->ceiling_dbtp);
      g_assert_cmpfloat (tp, <=, t->ceiling_dbtp);
      g_assert_cmpfloat (t->ceiling_dbtp, <=, ex->options.preset.ceiling_dbtp);
      g_assert_cmpfloat (fabs (integrated - t->integrated_lufs), <=, 0.1);
      g_assert_cmpfloat (fabs (tp - t->true_peak_dbtp), <=, 0.1);
    }
}

static void
test_ffmpeg_ceiling_flac (void)
{
  check_ffmpeg_ceiling (export_flac24 ());
}

static void
test_ffmpeg_ceiling_wav (void)
{
  check_ffmpeg_ceiling (export_wav16 ());
}

/* ---- the files joined are the album ---- */

static float *
render_album (LqProject *project, guint rate, gsize *frames)
{
  g_autofree char *path = g_build_filename (tmp_dir, "album-render.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  LqRenderOptions options = { LQ_WAV_FLOAT32, rate, NULL };
  guint file_rate;
  float *audio;

  g_assert_true (lq_render_album (project, file, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  audio = decode (path, &file_rate, frames);
  g_assert_cmpuint (file_rate, ==, rate);
  g_unlink (path);
  return audio;
}

/* Joins the files and compares them with the album render from the first file's start: every
 * sample within @max_lsb of it; returns the error's mean and RMS in LSB. */
static void
compare_joined (Export *ex, guint rate, guint bits, double max_lsb, double *mean, double *rms)
{
  g_autoptr(LqSequence) seq = lq_sequence_new (ex->project);
  guint64 from[8], to[8];
  gsize album_frames;
  g_autofree float *album = render_album (ex->project, rate, &album_frames);
  double lsb = 1.0 / (1u << (bits - 1));
  double sum = 0.0, sum2 = 0.0, worst = 0.0;
  guint64 n = 0;

  g_assert_cmpuint (seq->n_placements, ==, ex->report->tracks->len);
  expected_spans (seq, ex->options.split, from, to);
  for (guint i = 0; i < seq->n_placements; i++)
    {
      g_autofree char *path = file_path (ex, i);
      guint file_rate;
      gsize frames;
      g_autofree float *audio = decode (path, &file_rate, &frames);
      guint64 start = (from[i] * rate + seq->rate / 2) / seq->rate;
      guint64 end = (to[i] * rate + seq->rate / 2) / seq->rate;

      g_assert_cmpuint (file_rate, ==, rate);
      g_assert_cmpuint (frames, ==, end - start);
      g_assert_cmpuint (end, <=, album_frames);
      for (gsize k = 0; k < frames * 2; k++)
        {
          double e = ((double) audio[k] - album[start * 2 + k]) / lsb;

          worst = MAX (worst, fabs (e));
          /* The statistics leave out digital silence, which the dither keeps silent. */
          if (album[start * 2 + k] == 0.0f)
            continue;
          sum += e;
          sum2 += e * e;
          n++;
        }
    }
  /* Nothing of the album is missing past the last file. */
  g_assert_cmpuint ((to[seq->n_placements - 1] * rate + seq->rate / 2) / seq->rate, ==, album_frames);
  *mean = sum / n;
  *rms = sqrt (sum2 / n);
  g_test_message ("joined files against the render: worst %.3f LSB, mean %.4f, RMS %.4f LSB", worst, *mean, *rms);
  g_assert_cmpfloat (worst, <=, max_lsb);
}

static void
test_joined_24 (void)
{
  double mean, rms;

  /* 24 bit: rounded to the nearest code, so within half an LSB (plus float32's own rounding of
   * the render, far below it). */
  compare_joined (export_flac24 (), RATE, 24, 0.5 + 1e-3, &mean, &rms);
  /* Rounding error of a busy signal: uniform, RMS 1/sqrt(12) LSB. */
  g_assert_cmpfloat (fabs (rms - 1.0 / sqrt (12.0)), <, 0.02);
}

static void
test_joined_16_dithered (void)
{
  double mean, rms;

  /* 16 bit TPDF dither: triangular noise of +/- 1 LSB added before rounding, so every sample
   * within 1.5 LSB; the total error (TPDF plus rounding) has no bias and an RMS of
   * sqrt(1/6 + 1/12) = 0.5 LSB. Resampled to 48 kHz: compared with the album rendered at 48 kHz. */
  compare_joined (export_wav16 (), 48000, 16, 1.5 + 1e-3, &mean, &rms);
  g_assert_cmpfloat (fabs (mean), <, 0.01);
  g_assert_cmpfloat (fabs (rms - 0.5), <, 0.03);
}

/* ---- the report against libebur128 ---- */

static JsonObject *
load_json (const char *path, JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_report_libebur128 (void)
{
  Export *ex = export_flac24 ();
  g_autofree char *json_path = g_build_filename (ex->dir, LQ_REPORT_JSON_NAME, NULL);
  g_autofree char *html_path = g_build_filename (ex->dir, LQ_REPORT_HTML_NAME, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = load_json (json_path, parser);
  JsonArray *tracks = json_object_get_array_member (root, "tracks");
  JsonObject *album = json_object_get_object_member (root, "album");
  ebur128_state *states[8] = { NULL };
  double album_tp = -INFINITY;
  g_autofree char *html = NULL;

  g_assert_true (json_object_get_boolean_member (root, "passed"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "preset"), "id"), ==, "spotify");
  g_assert_cmpuint (json_array_get_length (tracks), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *t = json_array_get_object_element (tracks, i);
      g_autofree char *path = g_build_filename (ex->dir, json_object_get_string_member (t, "file"), NULL);
      guint rate;
      gsize frames;
      g_autofree float *audio = decode (path, &rate, &frames);
      ebur128_state *st = ebur128_init (2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK
                                                 | EBUR128_MODE_SAMPLE_PEAK);
      double integrated, lra, tp = 0, sp = 0;
      guint64 clipped = 0;

      g_assert_cmpint (ebur128_add_frames_float (st, audio, frames), ==, EBUR128_SUCCESS);
      ebur128_loudness_global (st, &integrated);
      ebur128_loudness_range (st, &lra);
      for (guint c = 0; c < 2; c++)
        {
          double v;

          ebur128_true_peak (st, c, &v);
          tp = MAX (tp, v);
          ebur128_sample_peak (st, c, &v);
          sp = MAX (sp, v);
        }
      for (gsize k = 0; k < frames * 2; k++)
        clipped += fabs (audio[k]) >= 8388607.0 / 8388608.0;
      states[i] = st;
      g_test_message ("track %u: I %.3f (report %.2f), LRA %.2f (%.2f), TP %.3f (%.2f), SP %.3f (%.2f)", i + 1,
                      integrated, json_object_get_double_member (t, "integrated_lufs"), lra,
                      json_object_get_double_member (t, "lra_lu"), 20 * log10 (tp),
                      json_object_get_double_member (t, "true_peak_dbtp"), 20 * log10 (sp),
                      json_object_get_double_member (t, "sample_peak_dbfs"));
      g_assert_cmpint (json_object_get_int_member (t, "frames"), ==, frames);
      g_assert_cmpfloat (fabs (json_object_get_double_member (t, "integrated_lufs") - integrated), <=, 0.02);
      /* Loudness range: libebur128 steps its 3 s windows by 1 s, the report by 0.1 s. */
      g_assert_cmpfloat (fabs (json_object_get_double_member (t, "lra_lu") - lra), <=, 0.5);
      /* True peak: different interpolators. libebur128's reads up to about 0.45 dB low on
       * content near fs/2 (track 3's white noise); FFmpeg's, checked to 0.1 dB in
       * /lq/streaming/ffmpeg-ceiling-*, does not. */
      g_assert_cmpfloat (fabs (json_object_get_double_member (t, "true_peak_dbtp") - 20 * log10 (tp)), <=, 0.5);
      g_assert_cmpfloat (fabs (json_object_get_double_member (t, "sample_peak_dbfs") - 20 * log10 (sp)), <=, 0.006);
      g_assert_cmpint (json_object_get_int_member (t, "clipped_on_sample"), ==, clipped);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (t, "problems")), ==, 0);
      album_tp = MAX (album_tp, 20 * log10 (tp));
    }
  {
    double album_i;

    ebur128_loudness_global_multiple (states, 3, &album_i);
    g_test_message ("album: I %.3f (report %.2f)", album_i, json_object_get_double_member (album, "integrated_lufs"));
    g_assert_cmpfloat (fabs (json_object_get_double_member (album, "integrated_lufs") - album_i), <=, 0.02);
    /* Spotify normalizes albums: the album lands on -14 LUFS. */
    g_assert_cmpfloat (fabs (album_i - -14.0), <=, 0.5);
    g_assert_cmpfloat (fabs (json_object_get_double_member (album, "true_peak_dbtp") - album_tp), <=, 0.5);
  }
  for (guint i = 0; i < 3; i++)
    ebur128_destroy (&states[i]);

  /* The readable page names every file and the verdict. */
  g_assert_true (g_file_get_contents (html_path, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "<html"));
  g_assert_nonnull (strstr (html, "Passed"));
  g_assert_nonnull (strstr (html, "01 Morning Static.flac"));
  g_assert_nonnull (strstr (html, "Night_Drive_ Part_.flac"));
}

/* The services' gains in the report follow the playback rule from the measured loudness. */
static void
test_report_services (void)
{
  Export *ex = export_wav16 ();
  LqReport *r = ex->report;
  guint n;
  const LqPreset *services = lq_preset_get_builtin (&n);

  g_assert_true (lq_report_passed (r));
  g_assert_cmpuint (r->n_services, ==, n);
  for (guint i = 0; i < r->tracks->len; i++)
    {
      LqReportTrack *t = g_ptr_array_index (r->tracks, i);

      /* Apple Music: every track matched to -16 LUFS within the tolerance. */
      g_assert_cmpfloat (fabs (t->integrated_lufs - -16.0), <=, r->tolerance_lu);
      for (guint s = 0; s < n; s++)
        {
          gboolean album = services[s].normalization == LQ_PRESET_NORMALIZE_ALBUM;
          double level = album ? r->album_lufs : t->integrated_lufs;
          double peak = album ? r->album_true_peak_dbtp : t->true_peak_dbtp;
          double want = services[s].target_lufs - level;

          if (want > 0)
            want = MIN (want, MAX (0.0, services[s].ceiling_dbtp - peak));
          g_assert_cmpfloat_with_epsilon (t->service_gain_db[s], want, 1e-9);
        }
      /* At -16 LUFS, the -14 LUFS services turn up by at most the peak's headroom. */
      g_assert_cmpfloat (t->service_gain_db[0], <=, 2.0 + 1e-9);
    }
}

/* ---- problems flagged ---- */

/* A project of given sources with no limiter, exported as it is (keep levels). */
static LqReport *
export_as_is (const char *name, float **sources, gsize *frames, guint n, const LqPreset *preset, guint bits,
              GError **error)
{
  g_autoptr(LqProject) project = lq_project_new ();
  g_autofree char *dir = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  LqStreamingOptions options;

  g_object_set (project, "title", name, "rate", RATE, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *src = g_strdup_printf ("%s-%u.wav", name, i);
      g_autoptr(GFile) file = write_wav (src, sources[i], frames[i]);

      add_track (project, file, src, NULL);
    }
  lq_streaming_options_init (&options, preset);
  options.bits = bits;
  return lq_streaming_export (project, folder, &options, NULL, NULL, NULL, error);
}

static gboolean
has_problem (LqReportTrack *t, const char *code)
{
  for (guint k = 0; k < t->problems->len; k++)
    if (g_str_equal (((LqReportProblem *) g_ptr_array_index (t->problems, k))->code, code))
      return TRUE;
  return FALSE;
}

static void
test_report_flags (void)
{
  gsize n = 4 * RATE;
  g_autofree float *loud = g_new (float, n * 2);
  g_autofree float *isp = g_new (float, n * 2);
  g_autofree float *clip = g_new (float, n * 2);
  g_autofree float *quiet = g_new (float, n * 2);
  float *sources[] = { loud, isp, clip, quiet };
  gsize frames[] = { n, n, n, n };
  g_autoptr(GError) error = NULL;
  g_autoptr(LqReport) report = NULL;
  LqReportTrack *t;
  guint64 isp_expected;

  /* 1: a 997 Hz sine peaking at -0.5 dBFS: above a -1 dBTP ceiling, loud.
   * 2: a sine at fs/4, phase 45 degrees, amplitude 1.2 (EBU Tech 3341 case 19 at 44.1 kHz):
   *    its samples are 1.2 sin(45 deg) = 0.849, but the waveform peaks at 1.2 (+1.58 dBTP)
   *    between every pair of samples of the same sign: half of all sample periods hold an
   *    inter-sample over (less the 10 ms fades), none a clipped sample.
   * 3: a sine of amplitude 2: clipped to full scale on the samples above it.
   * 4: a quiet sine at -40 dBFS with one spike of 0.5 (-6 dBFS): far below the target, with
   *    little peak headroom. */
  lq_synth_sine (loud, n, 2, RATE, 997.0, pow (10.0, -0.5 / 20), 0.0);
  lq_synth_sine (isp, n, 2, RATE, RATE / 4.0, 1.2, G_PI / 4);
  for (gsize k = 0; k < RATE / 100; k++) /* 10 ms linear fades: no step at the ends */
    {
      double g = (double) k / (RATE / 100);

      for (guint c = 0; c < 2; c++)
        {
          isp[2 * k + c] *= g;
          isp[2 * (n - 1 - k) + c] *= g;
        }
    }
  lq_synth_sine (clip, n, 2, RATE, 441.0, 2.0, 0.0);
  lq_synth_sine (quiet, n, 2, RATE, 997.0, 0.01, 0.0);
  quiet[n] = quiet[n + 1] = 0.5f;
  report = export_as_is ("flags", sources, frames, 4, lq_preset_lookup ("youtube"), 24, &error);
  g_assert_no_error (error);
  g_assert_false (lq_report_passed (report));

  t = g_ptr_array_index (report->tracks, 0);
  g_assert_true (has_problem (t, "true-peak"));
  g_assert_true (has_problem (t, "loudness"));
  g_assert_false (has_problem (t, "clipping"));
  /* Louder than the -14 LUFS target: YouTube turns it down by the difference. */
  g_assert_cmpfloat_with_epsilon (t->service_gain_db[2], -14.0 - t->integrated_lufs, 1e-9);
  g_assert_cmpfloat (t->service_gain_db[2], <, -10.0);

  t = g_ptr_array_index (report->tracks, 1);
  g_assert_cmpuint (t->clipped_on_sample, ==, 0);
  isp_expected = n; /* two channels, half of the periods each */
  g_test_message ("inter-sample overs: %" G_GUINT64_FORMAT " (about %" G_GUINT64_FORMAT ")",
                  t->clipped_inter_sample, isp_expected);
  g_assert_cmpfloat (fabs ((double) t->clipped_inter_sample - isp_expected), <, 0.01 * isp_expected);
  g_assert_true (has_problem (t, "clipping"));
  g_test_message ("true peak %.3f dBTP, sample peak %.3f dBFS", t->true_peak_dbtp, t->sample_peak_dbfs);
  g_assert_cmpfloat (fabs (t->true_peak_dbtp - 20 * log10 (1.2)), <, 0.05);

  t = g_ptr_array_index (report->tracks, 2);
  {
    /* Samples of 2 sin(2 pi 441 k / 44100) at or beyond full scale, counted here. */
    guint64 expected = 0;

    for (gsize k = 0; k < n; k++)
      expected += 2 * (fabs (2.0 * sin (2 * G_PI * 441.0 * k / RATE)) >= 8388607.0 / 8388608.0);
    g_assert_cmpuint (t->clipped_on_sample, ==, expected);
    g_assert_cmpuint (expected, >, n / 2);
  }
  g_assert_true (has_problem (t, "clipping"));

  t = g_ptr_array_index (report->tracks, 3);
  g_assert_true (has_problem (t, "loudness"));
  g_assert_false (has_problem (t, "true-peak"));
  /* About -40 LUFS: YouTube would need 26 dB but may turn it up only until the spike reaches
   * its -1 dBTP ceiling: about 5 dB. */
  g_assert_cmpfloat (fabs (t->true_peak_dbtp - 20 * log10 (0.5)), <, 0.1);
  g_assert_cmpfloat (fabs (t->service_gain_db[2] - (-1.0 - t->true_peak_dbtp)), <, 1e-9);
  g_assert_cmpfloat (-14.0 - t->integrated_lufs, >, 20.0);
  g_assert_cmpuint (report->n_failures, >=, 6);
}

/* ---- failure paths ---- */

static void
test_unwritable (void)
{
  g_autoptr(LqProject) project = make_album ();
  g_autofree char *locked = g_build_filename (tmp_dir, "locked", NULL);
  g_autofree char *inside = g_build_filename (locked, "out", NULL);
  g_autofree char *plain = g_build_filename (tmp_dir, "plain-file", NULL);
  g_autoptr(GFile) in_locked = g_file_new_for_path (locked);
  g_autoptr(GFile) below_locked = g_file_new_for_path (inside);
  g_autoptr(GFile) not_dir = g_file_new_for_path (plain);
  g_autoptr(GFile) read_only_fs = g_file_new_for_path ("/proc/lacquer-test-export");
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  LqStreamingOptions options;
  LqReport *report;

  lq_streaming_options_init (&options, lq_preset_lookup ("tidal"));

  /* The output is a file, not a folder. */
  g_assert_true (g_file_set_contents (plain, "x", 1, NULL));
  report = lq_streaming_export (project, not_dir, &options, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE);
  g_clear_error (&error);

  /* A new folder on a file system nobody may write to (root neither). */
  report = lq_streaming_export (project, read_only_fs, &options, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "/proc/lacquer-test-export"));
  g_clear_error (&error);

  /* A folder without write permission, as the folder and as the parent of a new one. */
  g_assert_cmpint (g_mkdir (locked, 0555), ==, 0);
  if (access (locked, W_OK) == 0)
    {
      g_test_message ("running as root: permissions do not stop writing");
      g_chmod (locked, 0755);
      return;
    }
  report = lq_streaming_export (project, in_locked, &options, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, locked));
  g_clear_error (&error);
  report = lq_streaming_export (project, below_locked, &options, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE);
  g_clear_error (&error);
  listing = lq_test_list_folder (locked, "|");
  g_assert_cmpstr (listing, ==, "");
  g_chmod (locked, 0755);
}

/* A disk that fills up during the export, simulated with a file size limit (writes past it
 * fail with EFBIG): an error, and nothing left in or beside the folder. */
static void
test_disk_full (void)
{
  g_autoptr(LqProject) project = make_album ();
  g_autofree char *dir = g_build_filename (tmp_dir, "full", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  struct rlimit saved, limit;
  LqStreamingOptions options;
  LqReport *report;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  before = lq_test_list_folder (tmp_dir, "|");
  lq_streaming_options_init (&options, lq_preset_lookup ("youtube"));
  options.format = LQ_AUDIO_FILE_WAV;
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = 256 * 1024; /* the first file is about 2.4 MB */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  report = lq_streaming_export (project, folder, &options, NULL, NULL, NULL, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_null (report);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_WRITE);
  g_test_message ("%s", error->message);
  listing = lq_test_list_folder (dir, "|");
  g_assert_cmpstr (listing, ==, "");
  after = lq_test_list_folder (tmp_dir, "|");
  g_assert_cmpstr (after, ==, before);
}

typedef struct
{
  GCancellable *cancellable;
  double at;
  double last;
} CancelAt;

static void
cancel_at_cb (double fraction, gpointer user_data)
{
  CancelAt *c = user_data;

  c->last = fraction;
  if (fraction >= c->at)
    g_cancellable_cancel (c->cancellable);
}

static void
check_cancel (double at, gboolean folder_exists)
{
  g_autoptr(LqProject) project = make_album ();
  g_autofree char *dir = g_strdup_printf ("%s/cancel-%.0f-%d", tmp_dir, at * 100, folder_exists);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *parent_before = NULL;
  g_autofree char *parent_after = NULL;
  CancelAt c = { cancellable, at, 0 };
  LqStreamingOptions options;
  LqReport *report;

  if (folder_exists)
    g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  parent_before = lq_test_list_folder (tmp_dir, "|");
  lq_streaming_options_init (&options, lq_preset_lookup ("deezer"));
  options.bits = 16;
  report = lq_streaming_export (project, folder, &options, cancellable, cancel_at_cb, &c, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (c.last, >=, at);
  /* Nothing in the folder (not even the hidden temporary one), nothing beside it. */
  listing = lq_test_list_folder (dir, "|");
  g_assert_cmpstr (listing, ==, "");
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR) == folder_exists);
  parent_after = lq_test_list_folder (tmp_dir, "|");
  g_assert_cmpstr (parent_after, ==, parent_before);
}

static void
test_cancel (void)
{
  check_cancel (0.3, TRUE);       /* while writing the files */
  check_cancel (0.3, FALSE);
  check_cancel (0.9, TRUE);       /* while reading them back */
}

/* A successful export into a folder that holds other files leaves them alone and no
 * temporary folder behind. */
static void
test_existing_folder (void)
{
  g_autoptr(LqProject) project = make_album ();
  g_autofree char *dir = g_build_filename (tmp_dir, "existing", NULL);
  g_autofree char *other = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(LqReport) report = NULL;
  g_autofree char *listing = NULL;
  LqStreamingOptions options;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (other, "keep", -1, NULL));
  lq_streaming_options_init (&options, lq_preset_lookup ("tidal"));
  options.apply_preset = TRUE;
  report = lq_streaming_export (project, folder, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lq_report_passed (report));
  listing = lq_test_list_folder (dir, "|");
  g_assert_cmpstr (listing, ==, "01 Morning Static.flac|02 Night_Drive_ Part_.flac|03 Ümlaut Coda.flac|"
                                "notes.txt|report.html|report.json");
}

/* ---- the command line ---- */

static void
test_cli (void)
{
  const char *cli = g_getenv ("LACQUER_CLI");
  g_autoptr(LqProject) project = make_album ();
  g_autofree char *project_path = g_build_filename (tmp_dir, "cli.lacquer", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autofree char *good = g_build_filename (tmp_dir, "cli-good", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "cli-bad", NULL);
  g_autofree char *unknown = g_build_filename (tmp_dir, "cli-unknown", NULL);
  g_autofree char *out = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("LACQUER_CLI is not set");
      return;
    }
  g_assert_true (lq_project_save (project, project_file, NULL, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = { cli, "export", "streaming", project_path, "--preset", "amazon-music", "--format", "wav",
                           "--bits", "16", "--rate", "48000", "-o", good, "-q", NULL };
    g_autofree char *text = run (argv, &status);

    g_test_message ("%s", text);
    g_assert_cmpint (status, ==, 0);
    listing = lq_test_list_folder (good, "|");
    g_assert_cmpstr (listing, ==, "01 Morning Static.wav|02 Night_Drive_ Part_.wav|03 Ümlaut Coda.wav|"
                                  "report.html|report.json");
  }
  {
    /* The levels as they are, against a target they do not meet: the files are written and
     * the report says what is wrong; exit 1. */
    const char *argv[] = { cli, "export", "streaming", project_path, "--preset", "custom", "--target-lufs", "-30",
                           "--keep-levels", "-o", bad, NULL };
    out = run (argv, &status);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (out, "FAILED"));
    g_assert_true (g_file_test (bad, G_FILE_TEST_IS_DIR));
  }
  {
    const char *argv[] = { cli, "export", "streaming", project_path, "--preset", "napster", "-o", unknown, NULL };
    g_free (run (argv, &status));
    g_assert_cmpint (status, ==, 2);
    g_assert_false (g_file_test (unknown, G_FILE_TEST_EXISTS));
  }
  {
    const char *argv[] = { cli, "export", "streaming", project_path, "--preset", "spotify", "--bits", "20",
                           "-o", unknown, NULL };
    g_free (run (argv, &status));
    g_assert_cmpint (status, ==, 2);
    g_assert_false (g_file_test (unknown, G_FILE_TEST_EXISTS));
  }
}

int
main (int argc, char **argv)
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();
  tmp_dir = g_dir_make_tmp ("lq-streaming-XXXXXX", NULL);

  g_test_add_func ("/lq/streaming/file-names", test_file_names);
  g_test_add_func ("/lq/streaming/spans", test_spans);
  g_test_add_func ("/lq/streaming/metaflac", test_metaflac);
  g_test_add_func ("/lq/streaming/discoverer-flac", test_discoverer_flac);
  g_test_add_func ("/lq/streaming/discoverer-wav", test_discoverer_wav);
  g_test_add_func ("/lq/streaming/ffmpeg-ceiling-flac", test_ffmpeg_ceiling_flac);
  g_test_add_func ("/lq/streaming/ffmpeg-ceiling-wav", test_ffmpeg_ceiling_wav);
  g_test_add_func ("/lq/streaming/joined-24", test_joined_24);
  g_test_add_func ("/lq/streaming/joined-16-dithered", test_joined_16_dithered);
  g_test_add_func ("/lq/streaming/report-libebur128", test_report_libebur128);
  g_test_add_func ("/lq/streaming/report-services", test_report_services);
  g_test_add_func ("/lq/streaming/report-flags", test_report_flags);
  g_test_add_func ("/lq/streaming/unwritable", test_unwritable);
  g_test_add_func ("/lq/streaming/disk-full", test_disk_full);
  g_test_add_func ("/lq/streaming/cancel", test_cancel);
  g_test_add_func ("/lq/streaming/existing-folder", test_existing_folder);
  g_test_add_func ("/lq/streaming/cli", test_cli);

  status = g_test_run ();
  export_free (flac24_export);
  export_free (wav16_export);
  lq_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
