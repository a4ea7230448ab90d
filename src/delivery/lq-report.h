/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-gst-loudness.h"
#include "lq-preset.h"

G_BEGIN_DECLS

/*
 * LqReport: the verification report of a streaming export. Every written file is decoded
 * again (LqDecoder through GStreamer, so another reader than ours parses the file) and
 * measured (LqLoudnessMeter: integrated loudness, loudness range, true peak with the precise
 * 4x interpolator, sample peak) and its clipped samples counted:
 *
 * - on-sample: samples at the format's full-scale code or beyond (|x| >= (2^(bits-1) - 1) /
 *   2^(bits-1), e.g. +32767 or -32768 in a 16-bit file);
 * - inter-sample: places where the reconstructed waveform goes over full scale: per channel,
 *   the sample periods whose interpolated points (the true-peak filter, 4x below 88.2 kHz)
 *   exceed 1.0 (0 dBTP).
 *
 * lq_report_finish() then checks every file against the preset and flags (LQ_REPORT_FAILURE):
 * a file that does not decode to the rate, channels and length written; a true peak above the
 * ceiling that applies (lq_preset_get_ceiling_for()); any clipped sample; loudness off the
 * target by more than the tolerance (each track with track normalization, the album as a whole
 * with album normalization). Digital silence is a warning. It also computes, for every built-in
 * preset, the gain that service would apply to each track (lq_preset_playback_gain()).
 */

/**
 * LqReportSeverity:
 * @LQ_REPORT_WARNING: worth a look; the export is still valid
 * @LQ_REPORT_FAILURE: the file does not meet the preset; the export is not valid
 */
typedef enum
{
  LQ_REPORT_WARNING,
  LQ_REPORT_FAILURE,
} LqReportSeverity;

/**
 * LqReportProblem:
 * @severity: how bad it is
 * @code: a stable identifier for scripts: "format", "length", "true-peak", "clipping",
 *   "loudness", "silent", "isrc" (a malformed ISRC, a warning), "empty"
 * @message: a sentence for people
 */
typedef struct
{
  LqReportSeverity severity;
  char *code;
  char *message;
} LqReportProblem;

/**
 * LqReportTrack:
 * @number: the track's number on the album
 * @title: its title
 * @isrc: its ISRC (%NULL for none)
 * @file_name: the file's name in the output folder
 * @rate: sample rate read back, Hz
 * @channels: channels read back
 * @bits: bits per sample written
 * @frames: frames read back
 * @expected_frames: frames written
 * @duration_s: @frames / @rate
 * @integrated_lufs: integrated loudness (-inf: silence)
 * @lra_lu: loudness range
 * @true_peak_dbtp: highest true peak over the channels
 * @sample_peak_dbfs: highest sample peak over the channels
 * @clipped_on_sample: samples at or beyond full scale
 * @clipped_inter_sample: sample periods with an inter-sample peak over 0 dBTP
 * @ceiling_dbtp: the preset's ceiling for this track
 * @service_gain_db: (array length=n_services): for each built-in preset (lq_preset_get_builtin()
 *   order), the gain the service would apply when playing this file
 * @problems: (element-type LqReportProblem): what is wrong with this file
 */
typedef struct
{
  guint number;
  char *title;
  char *isrc;
  char *file_name;
  guint rate;
  guint channels;
  guint bits;
  guint64 frames;
  guint64 expected_frames;
  double duration_s;
  double integrated_lufs;
  double lra_lu;
  double true_peak_dbtp;
  double sample_peak_dbfs;
  guint64 clipped_on_sample;
  guint64 clipped_inter_sample;
  double ceiling_dbtp;
  double *service_gain_db;
  GPtrArray *problems;
  /*< private >*/
  LqLoudnessMeter *meter;
} LqReportTrack;

/**
 * LqReport:
 * @preset: the preset checked against
 * @tolerance_lu: how far from the target the loudness may be
 * @album_title: the album's title
 * @artist: the album's artist
 * @format: "flac" or "wav"
 * @bits: 16 or 24
 * @rate: sample rate of the files
 * @dithered: the files were dithered (16 bit)
 * @created: when the report was made (ISO 8601)
 * @tracks: (element-type LqReportTrack): one per file, in album order
 * @album_lufs: integrated loudness of all files as one programme
 * @album_lra_lu: loudness range of all files as one programme
 * @album_true_peak_dbtp: the highest true peak of all files
 * @album_sample_peak_dbfs: the highest sample peak of all files
 * @n_services: the number of built-in presets in @service_names and service gains
 * @service_names: (array length=n_services): their display names
 * @problems: (element-type LqReportProblem): problems of the album as a whole
 * @n_failures: failures over the album and all tracks
 * @n_warnings: warnings over the album and all tracks
 */
typedef struct
{
  LqPreset preset;
  double tolerance_lu;
  char *album_title;
  char *artist;
  char *format;
  guint bits;
  guint rate;
  gboolean dithered;
  char *created;
  GPtrArray *tracks;
  double album_lufs;
  double album_lra_lu;
  double album_true_peak_dbtp;
  double album_sample_peak_dbfs;
  guint n_services;
  const char **service_names;
  GPtrArray *problems;
  guint n_failures;
  guint n_warnings;
} LqReport;

#define LQ_REPORT_DEFAULT_TOLERANCE_LU 0.5

#define LQ_REPORT_JSON_NAME "report.json"
#define LQ_REPORT_HTML_NAME "report.html"

LqReport      *lq_report_new          (const LqPreset  *preset,
                                       double           tolerance_lu);
LqReportTrack *lq_report_measure_file (LqReport        *self,
                                       GFile           *file,
                                       guint            bits,
                                       GCancellable    *cancellable,
                                       GError         **error);
void           lq_report_add_problem  (GPtrArray       *problems,
                                       LqReportSeverity severity,
                                       const char      *code,
                                       const char      *format,
                                       ...) G_GNUC_PRINTF (4, 5);
void           lq_report_finish       (LqReport        *self);
gboolean       lq_report_passed       (const LqReport  *self);
char          *lq_report_to_json      (const LqReport  *self);
char          *lq_report_to_html      (const LqReport  *self);
char          *lq_report_to_text      (const LqReport  *self);
void           lq_report_free         (LqReport        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqReport, lq_report_free)

G_END_DECLS
