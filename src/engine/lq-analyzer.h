/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Offline loudness analysis of files and of an album: EBU R 128 / ITU-R BS.1770 measures
 * (LqLoudnessMeter: libebur128 for K-weighting and the gated integrated loudness, our own
 * 10 ms steps for momentary/short-term maxima and the loudness range, lq-truepeak for true
 * peaks) over audio from LqDecoder. An album's tracks are analysed in parallel, one worker
 * thread per core.
 */
#pragma once

#include <gio/gio.h>

#include "lq-gst-loudness.h"

G_BEGIN_DECLS

#define LQ_ANALYSIS_MAX_CHANNELS LQ_LOUDNESS_MAX_CHANNELS

/**
 * LqAnalysis:
 * @file: the file analysed
 * @rate: its sample rate, Hz
 * @channels: its channels
 * @frames: frames analysed
 * @duration_s: @frames / @rate
 * @integrated_lufs: gated integrated loudness, LUFS (-inf: nothing above the gates)
 * @lra_lu: loudness range, LU (EBU Tech 3342)
 * @max_momentary_lufs: highest momentary (400 ms) loudness
 * @max_short_term_lufs: highest short-term (3 s) loudness
 * @true_peak_dbtp: highest true peak over the channels, dBTP
 * @sample_peak_dbfs: highest sample peak over the channels, dBFS
 * @plr_lu: peak-to-loudness ratio, @true_peak_dbtp - @integrated_lufs
 * @channel_true_peak_dbtp: per channel
 * @channel_sample_peak_dbfs: per channel
 * @n_nonfinite: NaN or infinite samples in the file, measured as silence
 *
 * The result of analysing one file. -inf stands for digital silence.
 */
typedef struct
{
  GFile *file;
  guint rate;
  guint channels;
  guint64 frames;
  double duration_s;
  double integrated_lufs;
  double lra_lu;
  double max_momentary_lufs;
  double max_short_term_lufs;
  double true_peak_dbtp;
  double sample_peak_dbfs;
  double plr_lu;
  double channel_true_peak_dbtp[LQ_ANALYSIS_MAX_CHANNELS];
  double channel_sample_peak_dbfs[LQ_ANALYSIS_MAX_CHANNELS];
  guint64 n_nonfinite;
  /*< private >*/
  LqLoudnessMeter *meter;
} LqAnalysis;

/**
 * LqAlbumAnalysis:
 * @n_tracks: number of files given
 * @tracks: (array length=n_tracks): the result per file, %NULL where it failed
 * @errors: (array length=n_tracks): why a file failed, %NULL where it succeeded
 * @n_failed: files that failed
 * @integrated_lufs: integrated loudness of the whole album (the successful tracks as one
 *   programme, gating over all their blocks)
 * @lra_lu: loudness range of the whole album
 * @max_momentary_lufs: highest momentary loudness on the album
 * @max_short_term_lufs: highest short-term loudness on the album
 * @true_peak_dbtp: highest true peak on the album
 * @sample_peak_dbfs: highest sample peak on the album
 * @duration_s: total duration of the successful tracks
 */
typedef struct
{
  guint n_tracks;
  LqAnalysis **tracks;
  GError **errors;
  guint n_failed;
  double integrated_lufs;
  double lra_lu;
  double max_momentary_lufs;
  double max_short_term_lufs;
  double true_peak_dbtp;
  double sample_peak_dbfs;
  double duration_s;
} LqAlbumAnalysis;

/**
 * LqAnalysisProgressFunc:
 * @fraction: work done, 0 to 1
 * @user_data: the data given with the function
 *
 * Progress of an analysis, at most about 10 times a second.
 */
typedef void (*LqAnalysisProgressFunc) (double   fraction,
                                        gpointer user_data);

/* Blocking: call from a worker thread (or a command-line tool). @progress, when given, is
 * called on the calling thread. Errors: those of LqDecoder, LQ_ENGINE_ERROR_UNSUPPORTED for
 * more than LQ_ANALYSIS_MAX_CHANNELS channels, G_IO_ERROR_CANCELLED. */
LqAnalysis *lq_analyze_file (GFile                  *file,
                             GCancellable           *cancellable,
                             LqAnalysisProgressFunc  progress,
                             gpointer                progress_data,
                             GError                **error);

/* Blocking: analyses @files in parallel on @n_threads worker threads (0: one per core) and
 * waits. A file that fails does not stop the others: see @errors in the result. @progress,
 * when given, is called from the worker threads (one at a time). Fails only when cancelled
 * (G_IO_ERROR_CANCELLED). */
LqAlbumAnalysis *lq_analyze_album (GFile * const          *files,
                                   guint                   n_files,
                                   guint                   n_threads,
                                   GCancellable           *cancellable,
                                   LqAnalysisProgressFunc  progress,
                                   gpointer                progress_data,
                                   GError                **error);

/* The same without blocking: @progress is called in the thread-default main context of the
 * caller (at most 10 times a second), then @callback. */
void lq_analyze_album_async (GFile * const          *files,
                             guint                   n_files,
                             guint                   n_threads,
                             GCancellable           *cancellable,
                             LqAnalysisProgressFunc  progress,
                             gpointer                progress_data,
                             GDestroyNotify          progress_data_free,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data);
LqAlbumAnalysis *lq_analyze_album_finish (GAsyncResult  *result,
                                          GError       **error);

void lq_analysis_free (LqAnalysis *self);
void lq_album_analysis_free (LqAlbumAnalysis *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAnalysis, lq_analysis_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqAlbumAnalysis, lq_album_analysis_free)

G_END_DECLS
