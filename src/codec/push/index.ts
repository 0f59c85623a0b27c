/** WAP push over SMS: WSP connectionless push PDU, SMS UDH, segmentation and reassembly. */
export { type AddResult, type ExpiredSms, type ReassembledSms, SmsReassembler } from './reassembler.ts';
export {
  type SegmentOptions,
  SMS_MAX_OCTETS,
  segmentSms,
  WAP_PUSH_PORT,
  WAP_WSP_SOURCE_PORT,
} from './segment.ts';
export {
  decodeSmsUserData,
  encodeSmsUserData,
  encodingLengthSmsUserData,
  type SmsUserData,
} from './sms-user-data.ts';
export {
  concatOf,
  encodeUdh,
  encodingLengthUdh,
  portsOf,
  readUdh,
  UDH_IE,
  type Udh,
  type UdhElement,
  udhLength,
  writeUdh,
} from './udh.ts';
export { wapPushToSms } from './wap-push-sms.ts';
export {
  decodeWspPush,
  decodeWspPushLenient,
  encodeWspPush,
  encodingLengthWspPush,
  isMmsPush,
  type LenientWspPush,
  MMS_MESSAGE_MEDIA,
  MMS_UA_APP_ID,
  mmsNotificationPush,
  PUSH_APP_IDS,
  pushApplicationId,
  WSP_PDU_TYPES,
  type WspPush,
  type WspPushType,
  wspPushDefectClause,
} from './wsp-push.ts';
