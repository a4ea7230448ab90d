/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lq-cdtext.h"
#include "lq-project.h"
#include "lq-redbook.h"

G_BEGIN_DECLS

/*
 * Red Book rule checks. A project (or a DDP read back) is first described as an LqCdDisc —
 * track starts, pauses and indexes in CD frames from the first sector of the image, ISRCs,
 * the UPC/EAN and the CD-Text — and the rules are checked over that description, so the
 * exporter, the verifier and the UI see the same findings. Each finding names the track and
 * the rule, e.g. "Track 3 is 2.1 s long; a CD track needs at least 4 s".
 */

/**
 * LqCheckSeverity:
 * @LQ_CHECK_WARNING: the disc can be made, but something deserves a look
 * @LQ_CHECK_ERROR: the disc breaks a rule; nothing is written
 */
typedef enum
{
  LQ_CHECK_WARNING,
  LQ_CHECK_ERROR,
} LqCheckSeverity;

/**
 * LqRedbookRule:
 * @LQ_RULE_FORMAT: 44.1 kHz, 16-bit stereo (other rates are resampled: a warning)
 * @LQ_RULE_SOURCE: a track's audio file is missing
 * @LQ_RULE_FRAME_BOUNDARY: a track start is not on a CD frame (588 samples)
 * @LQ_RULE_PREGAP: track 1 needs at least 2 s of pre-gap
 * @LQ_RULE_TRACK_LENGTH: every track at least 4 s (index 01 to next index 01)
 * @LQ_RULE_TRACK_COUNT: 1 to 99 tracks
 * @LQ_RULE_DISC_LENGTH: the total length (warning past 79:57:74, error past 80:00:00)
 * @LQ_RULE_INDEX: index points inside their track, increasing, at most 99
 * @LQ_RULE_ISRC: ISRC syntax; the same ISRC on two tracks (a warning)
 * @LQ_RULE_CATALOG: UPC/EAN syntax and check digit
 * @LQ_RULE_CDTEXT_CHARSET: CD-Text takes ISO 8859-1 only
 * @LQ_RULE_CDTEXT_SIZE: CD-Text fits in 256 packs per block
 * @LQ_RULE_STRUCTURE: a DDP fileset's files and descriptors (verifier)
 * @LQ_RULE_CHECKSUM: a DDP fileset's checksums (verifier)
 * @LQ_RULE_CHAIN: the master chain (e.g. it already dithers)
 */
typedef enum
{
  LQ_RULE_FORMAT,
  LQ_RULE_SOURCE,
  LQ_RULE_FRAME_BOUNDARY,
  LQ_RULE_PREGAP,
  LQ_RULE_TRACK_LENGTH,
  LQ_RULE_TRACK_COUNT,
  LQ_RULE_DISC_LENGTH,
  LQ_RULE_INDEX,
  LQ_RULE_ISRC,
  LQ_RULE_CATALOG,
  LQ_RULE_CDTEXT_CHARSET,
  LQ_RULE_CDTEXT_SIZE,
  LQ_RULE_STRUCTURE,
  LQ_RULE_CHECKSUM,
  LQ_RULE_CHAIN,
} LqRedbookRule;

typedef struct
{
  LqCheckSeverity severity;
  LqRedbookRule rule;
  guint track;            /* 1-based track number, 0 for the whole disc */
  char *message;          /* translated, names the track and the rule */
} LqRedbookIssue;

/* CD frames (75 a second) from minutes, seconds, frames. */
#define LQ_CD_MSF(m, s, f) ((guint64) (m) * 60 * 75 + (guint64) (s) * 75 + (guint64) (f))

#define LQ_REDBOOK_MIN_PREGAP        LQ_CD_MSF (0, 2, 0)
#define LQ_REDBOOK_MIN_TRACK_LENGTH  LQ_CD_MSF (0, 4, 0)
#define LQ_REDBOOK_MAX_INDEX         99

typedef struct
{
  guint64 warn_length;    /* CD frames; a longer disc gets a warning (default 79:57:74) */
  guint64 max_length;     /* CD frames; a longer disc is an error (default 80:00:00) */
} LqRedbookLimits;

void lq_redbook_limits_init (LqRedbookLimits *limits);

/* One track of a disc. Positions are CD frames from the first sector of the image. */
typedef struct
{
  guint number;           /* 1..99 */
  guint64 index0;         /* index 00: where the track's pause begins; == start when none */
  guint64 start;          /* index 01 */
  guint n_indexes;        /* index 02 onwards */
  guint64 *indexes;       /* their positions, absolute */
  char *isrc;             /* as given, NULL when none */
  guint8 control;         /* Q-channel control nibble: bit 0 pre-emphasis, bit 1 copy permitted */
} LqCdTrack;

typedef struct
{
  guint n_tracks;
  LqCdTrack *tracks;
  guint64 length;         /* CD frames of audio from the image start: the lead-out address */
  char *upc;              /* UPC/EAN as given, NULL when none */
  LqCdText *cdtext;       /* NULL when the disc has no CD-Text */
  char *title;            /* the album title (UTF-8) for sheets and names, NULL when none */
} LqCdDisc;

LqCdDisc   *lq_cd_disc_new                (guint             n_tracks);
void        lq_cd_disc_free               (LqCdDisc         *disc);
guint64     lq_cd_disc_get_track_end      (const LqCdDisc   *disc,
                                           guint             i);
LqCdDisc   *lq_cd_disc_new_from_project   (LqProject        *project,
                                           GPtrArray        *issues);

GPtrArray  *lq_redbook_issues_new         (void);
void        lq_redbook_issues_add         (GPtrArray        *issues,
                                           LqCheckSeverity   severity,
                                           LqRedbookRule     rule,
                                           guint             track,
                                           const char       *format,
                                           ...) G_GNUC_PRINTF (5, 6);
guint       lq_redbook_issues_count       (GPtrArray        *issues,
                                           LqCheckSeverity   severity);
gboolean    lq_redbook_issues_to_error    (GPtrArray        *issues,
                                           GError          **error);

void        lq_redbook_check_disc         (const LqCdDisc   *disc,
                                           const LqRedbookLimits *limits,
                                           GPtrArray        *issues);
GPtrArray  *lq_redbook_check_project      (LqProject        *project,
                                           const LqRedbookLimits *limits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqCdDisc, lq_cd_disc_free)

G_END_DECLS
