import { AxiosError, type AxiosResponse } from 'axios'

/** axios's lib/core/settle.js: `validateStatus` decides, and a refused status rejects with the response attached. */
export function settle(response: AxiosResponse): AxiosResponse {
  const { status, config } = response
  const validateStatus = config.validateStatus
  if (!status || !validateStatus || validateStatus(status)) return response
  throw new AxiosError(
    `Request failed with status code ${status}`,
    status >= 400 && status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
    config,
    response.request,
    response,
  )
}
