import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { api } from './api'
import { App } from './app/app'
import { createApiPort } from './ports/api-port'
import { installStudioPort } from './ports/studio-port'
import './styles/app.css'

installStudioPort(createApiPort(api))

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
